internal import PlacementJSON

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

extension Topology {
  /// Reads and validates the topology file at `path` (DESIGN.md section 3).
  ///
  /// - Throws: ``TopologyError`` listing every problem, each with its JSON path.
  public static func load(contentsOfFile path: String) throws(TopologyError) -> Topology {
    switch FileReader.read(path) {
    case .success(let bytes):
      return try Topology(json: bytes, source: path)
    case .failure(let failure):
      var error = TopologyError(
        file: path, issues: [.init(location: "", message: "cannot read the file: \(failure)")])
      error.isUnreadable = true
      throw error
    }
  }

  /// Parses and validates a topology from JSON text; `source` names it in errors.
  ///
  /// - Throws: ``TopologyError`` listing every problem, each with its JSON path.
  public init(json: some Collection<UInt8>, source: String = "topology") throws(TopologyError) {
    let document: JSONValue
    do {
      document = try JSONReader.parse(json)
    } catch {
      throw TopologyError(
        file: source,
        issues: [.init(location: "\(error.line):\(error.column)", message: error.message)])
    }
    var decoder = TopologyDecoder()
    guard let topology = decoder.decode(document), decoder.validator.issues.isEmpty else {
      throw TopologyError(
        file: source,
        issues: decoder.validator.issues.map { .init(location: $0.path, message: $0.message) })
    }
    self = topology
  }
}

/// Turns a parsed topology document into a ``Topology``, collecting every problem.
struct TopologyDecoder {
  var validator = JSONValidator()
  /// Where each id was first declared, to report duplicates with both places.
  private var idPaths: [String: String] = [:]

  /// The topology, or nil when the document is too broken to build one (the validator holds
  /// why). A non-nil result may still come with issues.
  mutating func decode(_ document: JSONValue) -> Topology? {
    guard
      let root = validator.object(document, at: "", allowedKeys: ["site", "tiers", "pools"])
    else { return nil }
    let site = validator.string("site", in: root, at: "", nonEmpty: true)
    let balancers = decodeTiers(root["tiers"])
    var pools: [Pool] = []
    if let elements = validator.array("pools", in: root, at: "", nonEmpty: true) {
      for (index, element) in elements.enumerated() {
        if let pool = decodePool(element, at: JSONValidator.path("pools", index)) {
          pools.append(pool)
        }
      }
    }
    guard let site, let balancers else { return nil }
    return Topology(site: site, balancers: balancers, pools: pools)
  }

  private mutating func decodeTiers(_ value: JSONValue?) -> [Tier: BalancerKind]? {
    let tierNames = Tier.allCases.map(\.rawValue)
    guard let tiers = validator.object(value, at: "tiers", allowedKeys: tierNames) else {
      return nil
    }
    var balancers: [Tier: BalancerKind] = [:]
    for tier in Tier.allCases {
      let path = JSONValidator.path("tiers", tier.rawValue)
      guard tiers[tier.rawValue] != nil else {
        validator.report(path, expected: "an object with a \"balancer\"", found: nil)
        continue
      }
      guard
        let settings = validator.object(tiers[tier.rawValue], at: path, allowedKeys: ["balancer"])
      else { continue }
      balancers[tier] = validator.choice("balancer", in: settings, at: path, as: BalancerKind.self)
    }
    return balancers.count == Tier.allCases.count ? balancers : nil
  }

  private static let poolKeys = [
    "id", "tier", "region", "rtt_ms", "bandwidth_mbps", "cost_per_hour", "tags", "public_key",
    "endpoints", "min", "max", "target_utilization",
  ]

  private mutating func decodePool(_ value: JSONValue, at path: String) -> Pool? {
    guard let object = validator.object(value, at: path, allowedKeys: Self.poolKeys) else {
      return nil
    }
    let id = decodeID(in: object, at: path)
    let tier = validator.choice("tier", in: object, at: path, as: Tier.self)
    let region = validator.string("region", in: object, at: path, nonEmpty: true)
    let rtt = validator.number("rtt_ms", in: object, at: path, .nonNegative)
    let bandwidth = validator.number("bandwidth_mbps", in: object, at: path, .positive)
    let cost = validator.number("cost_per_hour", in: object, at: path, .nonNegative)
    let tags = validator.strings("tags", in: object, at: path)
    let publicKey = decodePublicKey(
      object["public_key"], at: JSONValidator.path(path, "public_key"))
    var endpoints: [Endpoint] = []
    if let elements = validator.array("endpoints", in: object, at: path, nonEmpty: true) {
      for (index, element) in elements.enumerated() {
        let endpointPath = JSONValidator.path(JSONValidator.path(path, "endpoints"), index)
        if let endpoint = decodeEndpoint(element, at: endpointPath) { endpoints.append(endpoint) }
      }
    }
    let bounds = decodeScalingBounds(in: object, at: path)
    guard let id, let tier, let region, let rtt, let bandwidth, let cost, let tags,
      let publicKey, let bounds
    else { return nil }
    return Pool(
      id: id, tier: tier, region: region, rttMs: rtt, bandwidthMbps: bandwidth,
      costPerHour: cost, tags: Set(tags), publicKey: publicKey, endpoints: endpoints,
      minEndpoints: bounds.min, maxEndpoints: bounds.max, targetUtilization: bounds.target)
  }

  /// The optional autoscaling members `min`, `max` (integers >= 0, `min` <= `max`) and
  /// `target_utilization` (in `(0, 1]`); nil when one of them is malformed.
  private mutating func decodeScalingBounds(
    in object: JSONObject, at path: String
  ) -> (min: Int?, max: Int?, target: Double?)? {
    let issuesBefore = validator.issues.count
    let minimum = validator.integer("min", in: object, at: path, atLeast: 0, required: false)
    let maximum = validator.integer("max", in: object, at: path, atLeast: 0, required: false)
    var target: Double?
    if let value = object["target_utilization"] {
      let targetPath = JSONValidator.path(path, "target_utilization")
      if case .number(let number) = value, number > 0, number <= 1 {
        target = number
      } else {
        validator.report(targetPath, expected: "a number > 0 and <= 1", found: value)
      }
    }
    guard validator.issues.count == issuesBefore else { return nil }
    if let minimum, let maximum, minimum > maximum {
      validator.report(
        JSONValidator.path(path, "max"),
        "expected an integer >= min (\(minimum)), found \(maximum)")
      return nil
    }
    return (minimum, maximum, target)
  }

  private mutating func decodeEndpoint(_ value: JSONValue, at path: String) -> Endpoint? {
    let keys = ["id", "gpu", "weight", "capacity", "models"]
    guard let object = validator.object(value, at: path, allowedKeys: keys) else { return nil }
    let id = decodeID(in: object, at: path)
    let gpu = validator.string("gpu", in: object, at: path, nonEmpty: true)
    let weight = validator.number("weight", in: object, at: path, .positive)
    let capacity = validator.integer("capacity", in: object, at: path, atLeast: 1)
    var models: [String: Double]?
    let modelsPath = JSONValidator.path(path, "models")
    if object["models"] == nil {
      validator.report(modelsPath, expected: "an object of model name to milliseconds", found: nil)
    } else if let table = validator.object(object["models"], at: modelsPath, allowedKeys: nil) {
      models = [:]
      for member in table.members {
        if let time = validator.number(
          member.value, at: JSONValidator.path(modelsPath, member.key), .nonNegative)
        {
          models?[member.key] = time
        }
      }
    }
    guard let id, let gpu, let weight, let capacity, let models else { return nil }
    return Endpoint(id: id, gpu: gpu, weight: weight, capacity: capacity, models: models)
  }

  /// The `id` member, checked to be unique across pools and endpoints.
  private mutating func decodeID(in object: JSONObject, at path: String) -> String? {
    guard let id = validator.string("id", in: object, at: path, nonEmpty: true) else { return nil }
    let idPath = JSONValidator.path(path, "id")
    if let first = idPaths[id] {
      validator.report(
        idPath,
        "expected an id unique across pools and endpoints, found \"\(id)\" (also at \(first))")
      return nil
    }
    idPaths[id] = idPath
    return id
  }

  /// The optional public key: `.some(nil)` when absent, nil when malformed.
  private mutating func decodePublicKey(_ value: JSONValue?, at path: String) -> [UInt8]?? {
    guard let value else { return .some(nil) }
    let expected = "base64 of a 32-byte X25519 public key"
    guard case .string(let text) = value else {
      validator.report(path, expected: expected, found: value)
      return nil
    }
    guard let bytes = Data(base64Encoded: text) else {
      validator.report(path, expected: expected, found: .string(text))
      return nil
    }
    guard bytes.count == 32 else {
      validator.report(path, "expected \(expected), found base64 of \(bytes.count) bytes")
      return nil
    }
    return .some(Array(bytes))
  }
}
