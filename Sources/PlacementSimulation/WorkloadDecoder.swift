import Placement
internal import PlacementJSON

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

extension Workload {
  /// Reads and validates the workload file at `path`; a trace file it names is read relative
  /// to the workload file's directory.
  ///
  /// - Throws: ``WorkloadError`` listing every problem, each with its JSON path.
  public static func load(contentsOfFile path: String) throws(WorkloadError) -> Workload {
    let bytes = try WorkloadDecoder.read(path)
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
    return try Workload(json: bytes, source: path, directory: directory)
  }

  /// Parses and validates a workload from JSON text; `source` names it in errors and a trace
  /// file it names is read relative to `directory`.
  ///
  /// - Throws: ``WorkloadError`` listing every problem, each with its JSON path.
  public init(
    json: some Collection<UInt8>, source: String = "workload", directory: String = "."
  ) throws(WorkloadError) {
    let document: JSONValue
    do {
      document = try JSONReader.parse(json)
    } catch {
      throw WorkloadError(issues: [
        .init(file: source, location: "\(error.line):\(error.column)", message: error.message)
      ])
    }
    var decoder = WorkloadDecoder(source: source, directory: directory)
    let workload = decoder.decode(document)
    let issues =
      decoder.validator.issues.map {
        WorkloadError.Issue(file: source, location: $0.path, message: $0.message)
      } + decoder.traceIssues
    guard let workload, issues.isEmpty else { throw WorkloadError(issues: issues) }
    self = workload
  }
}

/// Turns a parsed workload document into a ``Workload``, collecting every problem.
struct WorkloadDecoder {
  var validator = JSONValidator()
  /// Problems in the trace file, which are reported against that file.
  var traceIssues: [WorkloadError.Issue] = []
  let source: String
  let directory: String

  init(source: String, directory: String) {
    self.source = source
    self.directory = directory
  }

  static func read(_ path: String) throws(WorkloadError) -> Data {
    do {
      return try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw WorkloadError(issues: [
        .init(file: path, location: "", message: "cannot read the file (\(error))")
      ])
    }
  }

  mutating func decode(_ document: JSONValue) -> Workload? {
    let keys = ["duration_s", "seed", "gateways", "arrivals", "service", "classes"]
    guard let root = validator.object(document, at: "", allowedKeys: keys) else { return nil }
    let arrivals = decodeArrivals(root["arrivals"])
    var isTrace = false
    if case .object(let object)? = root["arrivals"], object["process"] == .string("trace") {
      isTrace = true
    }
    var duration = validator.number("duration_s", in: root, at: "", .positive, required: !isTrace)
    let seed = validator.integer("seed", in: root, at: "", atLeast: 0, required: false) ?? 1
    let gateways = validator.integer("gateways", in: root, at: "", atLeast: 1, required: false)
    let service = decodeService(root["service"])
    var classes: [RequestClass]? = []
    if isTrace {
      if root["classes"] != nil {
        validator.report(
          "classes", "unexpected with a trace: its lines carry the requests; remove it")
      }
    } else {
      classes = decodeClasses(root)
    }
    if case .trace(let requests)? = arrivals, duration == nil {
      duration = max(requests.last?.atSeconds ?? 0, 0.001)
    }
    guard let arrivals, let duration, let service, let classes else { return nil }
    return Workload(
      durationSeconds: duration, seed: UInt64(seed), gateways: gateways ?? 1, arrivals: arrivals,
      classes: classes, service: service)
  }

  // MARK: arrivals

  private mutating func decodeArrivals(_ value: JSONValue?) -> ArrivalProcess? {
    let path = "arrivals"
    guard case .object(let peek)? = value, case .string(let process)? = peek["process"] else {
      if case .object(let object)? = value {
        _ = validator.choice("process", in: object, at: path, as: ProcessName.self)
      } else {
        validator.report(path, expected: "an object with a \"process\"", found: value)
      }
      return nil
    }
    switch ProcessName(rawValue: process) {
    case .poisson:
      guard
        let object = validator.object(value, at: path, allowedKeys: ["process", "rate_per_s"]),
        let rate = validator.number("rate_per_s", in: object, at: path, .positive)
      else { return nil }
      return .poisson(ratePerSecond: rate)
    case .bursty:
      let keys = ["process", "rate_per_s", "steps", "daily", "spikes"]
      guard let object = validator.object(value, at: path, allowedKeys: keys) else { return nil }
      return decodeProfile(object, at: path).map { .bursty($0) }
    case .trace:
      guard let object = validator.object(value, at: path, allowedKeys: ["process", "file"]),
        let file = validator.string("file", in: object, at: path, nonEmpty: true)
      else { return nil }
      return decodeTrace(file: file).map { .trace($0) }
    case nil:
      if case .object(let object)? = value {
        _ = validator.choice("process", in: object, at: path, as: ProcessName.self)
      }
      return nil
    }
  }

  private enum ProcessName: String, CaseIterable {
    case poisson, bursty, trace
  }

  private mutating func decodeProfile(_ object: JSONObject, at path: String) -> RateProfile? {
    let rate = validator.number("rate_per_s", in: object, at: path, .positive)
    var profile = RateProfile(ratePerSecond: rate ?? 1)
    var valid = rate != nil
    if let steps = validator.array("steps", in: object, at: path, required: false) {
      var previous = -Double.infinity
      for (index, element) in steps.enumerated() {
        let stepPath = JSONValidator.path(JSONValidator.path(path, "steps"), index)
        guard
          let step = validator.object(element, at: stepPath, allowedKeys: ["at_s", "rate_per_s"])
        else {
          valid = false
          continue
        }
        let at = validator.number("at_s", in: step, at: stepPath, .nonNegative)
        let rate = validator.number("rate_per_s", in: step, at: stepPath, .nonNegative)
        guard let at, let rate else {
          valid = false
          continue
        }
        if at <= previous {
          validator.report(
            JSONValidator.path(stepPath, "at_s"),
            "expected a time after the previous step's (\(JSONValue.number(previous).summary)), found \(JSONValue.number(at).summary)"
          )
          valid = false
        }
        previous = at
        profile.steps.append(.init(atSeconds: at, ratePerSecond: rate))
      }
    }
    if object["daily"] != nil {
      let dailyPath = JSONValidator.path(path, "daily")
      if let daily = validator.object(
        object["daily"], at: dailyPath, allowedKeys: ["amplitude", "peak_at_s", "period_s"])
      {
        let amplitude = validator.number("amplitude", in: daily, at: dailyPath, .nonNegative)
        if let amplitude, amplitude > 1 {
          validator.report(
            JSONValidator.path(dailyPath, "amplitude"),
            "expected a number from 0 to 1, found \(JSONValue.number(amplitude).summary)")
          valid = false
        }
        let peak = validator.number("peak_at_s", in: daily, at: dailyPath, .any)
        let period =
          validator.number("period_s", in: daily, at: dailyPath, .positive, required: false)
          ?? 86_400
        if let amplitude, let peak {
          profile.daily = .init(amplitude: amplitude, peakAtSeconds: peak, periodSeconds: period)
        } else {
          valid = false
        }
      } else {
        valid = false
      }
    }
    if let spikes = validator.array("spikes", in: object, at: path, required: false) {
      for (index, element) in spikes.enumerated() {
        let spikePath = JSONValidator.path(JSONValidator.path(path, "spikes"), index)
        guard
          let spike = validator.object(
            element, at: spikePath, allowedKeys: ["at_s", "duration_s", "multiplier"])
        else {
          valid = false
          continue
        }
        let at = validator.number("at_s", in: spike, at: spikePath, .nonNegative)
        let length = validator.number("duration_s", in: spike, at: spikePath, .positive)
        let multiplier = validator.number("multiplier", in: spike, at: spikePath, .positive)
        guard let at, let length, let multiplier else {
          valid = false
          continue
        }
        profile.spikes.append(.init(atSeconds: at, durationSeconds: length, multiplier: multiplier))
      }
    }
    return valid ? profile : nil
  }

  // MARK: trace

  private static let traceKeys = [
    "at_s", "op", "id", "model", "latency_budget_ms", "payload_bytes", "payload", "tags",
    "priority", "source",
  ]

  private mutating func decodeTrace(file: String) -> [TimedRequest]? {
    let path = file.hasPrefix("/") ? file : directory + "/" + file
    let bytes: Data
    do {
      bytes = try Self.read(path)
    } catch {
      validator.report(
        "arrivals.file", "cannot read the trace file \(path) (\(error.description))")
      return nil
    }
    var requests: [TimedRequest] = []
    var previous = 0.0
    var lineNumber = 0
    let before = traceIssues.count
    for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
      lineNumber += 1
      if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
      let document: JSONValue
      do {
        document = try JSONReader.parse(line)
      } catch {
        traceIssues.append(
          .init(file: path, location: "\(lineNumber):\(error.column)", message: error.message))
        continue
      }
      var lineValidator = JSONValidator()
      let request = Self.decodeTraceLine(document, validator: &lineValidator)
      for issue in lineValidator.issues {
        traceIssues.append(
          .init(file: path, location: "\(lineNumber): \(issue.path)", message: issue.message))
      }
      guard let request else { continue }
      if request.atSeconds < previous {
        traceIssues.append(
          .init(
            file: path, location: "\(lineNumber): at_s",
            message:
              "expected a time no earlier than the previous line's (\(JSONValue.number(previous).summary)), found \(JSONValue.number(request.atSeconds).summary)"
          ))
        continue
      }
      previous = request.atSeconds
      requests.append(request)
    }
    if requests.isEmpty && traceIssues.count == before {
      traceIssues.append(.init(file: path, location: "", message: "the trace has no requests"))
    }
    return traceIssues.count == before ? requests : nil
  }

  private static func decodeTraceLine(
    _ document: JSONValue, validator: inout JSONValidator
  ) -> TimedRequest? {
    guard let object = validator.object(document, at: "", allowedKeys: traceKeys) else {
      return nil
    }
    let at = validator.number("at_s", in: object, at: "", .nonNegative)
    if let op = object["op"], op != .string("place") {
      validator.report("op", expected: "\"place\"", found: op)
    }
    let id = validator.string("id", in: object, at: "", required: false) ?? ""
    let model = validator.string("model", in: object, at: "", nonEmpty: true)
    let budget = validator.number("latency_budget_ms", in: object, at: "", .positive)
    var bytes = validator.integer("payload_bytes", in: object, at: "", atLeast: 0, required: false)
    if let payload = validator.string("payload", in: object, at: "", required: false) {
      if let decoded = Data(base64Encoded: payload) {
        if let given = bytes, given != decoded.count {
          validator.report(
            "payload_bytes", "\(given) differs from the payload's length \(decoded.count)")
        }
        bytes = decoded.count
      } else {
        validator.report("payload", expected: "base64", found: object["payload"])
      }
    }
    let tags = validator.strings("tags", in: object, at: "", required: false) ?? []
    let priority =
      validator.choice("priority", in: object, at: "", as: Priority.self, required: false)
      ?? .standard
    let source = validator.string("source", in: object, at: "", required: false) ?? ""
    guard let at, let model, let budget, validator.issues.isEmpty else { return nil }
    return TimedRequest(
      atSeconds: at,
      request: PlacementRequest(
        id: id, model: model, latencyBudgetMs: budget, payloadBytes: bytes ?? 0, tags: Set(tags),
        priority: priority, source: source))
  }

  // MARK: service and classes

  private mutating func decodeService(_ value: JSONValue?) -> ServiceTimeDistribution? {
    guard let value else { return .fixed }
    let path = "service"
    guard let object = validator.object(value, at: path, allowedKeys: ["distribution", "cv"])
    else { return nil }
    switch validator.choice("distribution", in: object, at: path, as: ServiceName.self) {
    case .fixed?, .exponential?:
      if object["cv"] != nil {
        validator.report(
          JSONValidator.path(path, "cv"), "unexpected: only a lognormal distribution takes a cv")
        return nil
      }
      return object["distribution"] == .string("fixed") ? .fixed : .exponential
    case .lognormal?:
      return validator.number("cv", in: object, at: path, .positive).map { .lognormal(cv: $0) }
    case nil:
      return nil
    }
  }

  private enum ServiceName: String, CaseIterable {
    case fixed, exponential, lognormal
  }

  private static let classKeys = [
    "name", "share", "model", "latency_budget_ms", "tags", "priority", "source", "payload_bytes",
  ]

  private mutating func decodeClasses(_ root: JSONObject) -> [RequestClass]? {
    guard let elements = validator.array("classes", in: root, at: "", nonEmpty: true) else {
      return nil
    }
    var classes: [RequestClass] = []
    var names: [String: String] = [:]
    for (index, element) in elements.enumerated() {
      let path = JSONValidator.path("classes", index)
      guard let object = validator.object(element, at: path, allowedKeys: Self.classKeys) else {
        continue
      }
      let name = validator.string("name", in: object, at: path, nonEmpty: true)
      if let name {
        if let first = names[name] {
          validator.report(
            JSONValidator.path(path, "name"),
            "expected a unique class name, found \"\(name)\" (also at \(first))")
        }
        names[name] = JSONValidator.path(path, "name")
      }
      let share = validator.number("share", in: object, at: path, .positive)
      let model = validator.string("model", in: object, at: path, nonEmpty: true)
      let budget = validator.number("latency_budget_ms", in: object, at: path, .positive)
      let tags = validator.strings("tags", in: object, at: path, required: false) ?? []
      let priority =
        validator.choice("priority", in: object, at: path, as: Priority.self, required: false)
        ?? .standard
      let source = validator.string("source", in: object, at: path, required: false) ?? ""
      let size = decodeSize(object["payload_bytes"], at: JSONValidator.path(path, "payload_bytes"))
      guard let name, let share, let model, let budget, let size else { continue }
      classes.append(
        RequestClass(
          name: name, share: share,
          request: PlacementRequest(
            model: model, latencyBudgetMs: budget, payloadBytes: 0, tags: Set(tags),
            priority: priority, source: source),
          payloadBytes: size))
    }
    return classes.count == elements.count ? classes : nil
  }

  private enum SizeName: String, CaseIterable {
    case fixed, uniform, lognormal
  }

  private mutating func decodeSize(_ value: JSONValue?, at path: String) -> SizeDistribution? {
    guard let value else { return .fixed(0) }
    if case .number = value {
      return validator.number(value, at: path, .integer(atLeast: 0)).map { .fixed(Int($0)) }
    }
    guard
      let object = validator.object(
        value, at: path, allowedKeys: ["distribution", "bytes", "min", "max", "mean", "cv"])
    else { return nil }
    let allowed: [String]
    let result: SizeDistribution?
    switch validator.choice("distribution", in: object, at: path, as: SizeName.self) {
    case .fixed?:
      allowed = ["bytes"]
      result = validator.integer("bytes", in: object, at: path, atLeast: 0).map { .fixed($0) }
    case .uniform?:
      allowed = ["min", "max"]
      let low = validator.integer("min", in: object, at: path, atLeast: 0)
      let high = validator.integer("max", in: object, at: path, atLeast: 0)
      if let low, let high, high < low {
        validator.report(
          JSONValidator.path(path, "max"), "expected an integer >= min (\(low)), found \(high)")
        result = nil
      } else if let low, let high {
        result = .uniform(min: low, max: high)
      } else {
        result = nil
      }
    case .lognormal?:
      allowed = ["mean", "cv"]
      let mean = validator.number("mean", in: object, at: path, .positive)
      let cv = validator.number("cv", in: object, at: path, .positive)
      result = mean.flatMap { mean in cv.map { .lognormal(mean: mean, cv: $0) } }
    case nil:
      return nil
    }
    var valid = result != nil
    for member in object.members where member.key != "distribution" && !allowed.contains(member.key)
    {
      let expected = allowed.joined(separator: ", ")
      validator.report(
        JSONValidator.path(path, member.key),
        "unexpected for this distribution; expected distribution, \(expected)")
      valid = false
    }
    return valid ? result : nil
  }
}
