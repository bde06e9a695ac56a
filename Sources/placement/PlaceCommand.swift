import Placement
import PlacementAudit
import PlacementJSON
import PlacementSealing
import PlacementServer

#if canImport(Glibc)
  import Glibc
#endif
#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

extension Subcommand {
  /// `placement place`: decisions in-process, from request lines on standard input or from
  /// flags (DESIGN.md section 10).
  static let place = Subcommand(
    name: "place", summary: "one decision, or request lines on stdin answered in-process"
  ) { words in
    let arguments = try CommandArguments(
      words,
      options: [
        "--topology", "--policies", "--seed", "--max-line", "--model", "--budget", "--bytes",
        "--tag", "--priority", "--source", "--id", "--socket", "--audit-dir", "--audit-key",
      ],
      flags: ["--help", "--json", "--explain"])
    if arguments.isSet("--help") {
      StandardStream.output.write(placeUsage)
      return 0
    }
    let single = arguments.value("--model") != nil || arguments.value("--budget") != nil
    if let socket = arguments.value("--socket") {
      for local in ["--topology", "--policies", "--seed", "--audit-dir", "--audit-key"]
      where arguments.value(local) != nil {
        throw UsageError(
          "\(local) configures an in-process engine; the daemon at --socket has its own")
      }
      let client = try PlacementClient(socketPath: socket)
      if single {
        let (request, _) = try singleRequest(arguments)
        try client.send(requestLine(request, explaining: arguments.isSet("--explain")) + [0x0A])
        guard let response = try client.readLine() else {
          throw UsageError("the daemon at \(socket) closed the connection without answering")
        }
        (response + [0x0A]).withUnsafeBytes { _ = StandardStream.output.write($0) }
        return 0
      }
      return try relay(to: client)
    }
    let (engine, audit) = try makeEngine(arguments)
    defer { try? audit?.close(reason: "end of input") }
    let handler = ProtocolHandler(engine: engine)
    if single {
      let status = try placeOne(arguments, engine: engine, handler: handler)
      try audit?.waitUntilDurable(audit?.head.sequence ?? 0)
      return status
    }
    let maximumLength = try arguments.integer("--max-line") ?? 1 << 20
    guard maximumLength > 0 else {
      throw UsageError("--max-line expects a positive number of bytes")
    }
    var reader = LineReader(descriptor: 0, maximumLength: maximumLength)
    while let line = try reader.next() {
      let response: [UInt8]
      switch line {
      case .text(let text):
        if text.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
        response = answered(handler.respond(to: text), audit: audit)
      case .tooLong(let length):
        response = ProtocolHandler.errorLine(
          WireError(
            .tooLarge, "line of \(length) bytes is over the limit of \(maximumLength) (--max-line)")
        )
      }
      guard response.withUnsafeBytes({ StandardStream.output.write($0) }) else { return 0 }
    }
    return 0
  }

  private static let placeUsage = """
    usage: placement place [--topology FILE] [--policies DIR] [--seed N] [--max-line BYTES]
                           [--audit-dir DIR [--audit-key FILE]]
           placement place --model NAME --budget MS [--bytes N] [--tag TAG]... [--priority P]
                           [--source S] [--id ID] [--explain] [--json]

    Without --model: reads request lines of the wire protocol (DESIGN.md section 7) on standard
    input and answers each on standard output as soon as it is read; leases and estimates live
    for the whole run. Ops: place, explain, complete, health, status, ping.

    With --model and --budget: places one request and prints the decision for a person
    (--json: the wire protocol's response line; --explain: every candidate, nothing taken).

    With --audit-dir, every decision and completion is recorded there (DESIGN.md section 9) and
    each answer is written only once its record is. `placement place --socket PATH` relays
    request lines to a running daemon instead (its own topology, policies and audit log).

    Defaults: the demo topology and the default policies of this checkout.

    """

  /// The in-process engine, recording to the audit log of `--audit-dir` when one is given.
  static func makeEngine(_ arguments: CommandArguments) throws -> (PlacementEngine, AuditLog?) {
    let topologyPath = DefaultLocations.topology(arguments)
    let policiesPath = DefaultLocations.policies(arguments)
    let topology = try Topology.load(contentsOfFile: topologyPath)
    let policies = try PolicySet.load(directory: policiesPath)
    var configuration = EngineConfiguration()
    if let seed = try arguments.integer("--seed") {
      configuration.seed = UInt64(bitPattern: Int64(seed))
    }
    var audit: AuditLog?
    if let directory = arguments.value("--audit-dir") {
      try FileManager.default.createDirectory(
        atPath: directory, withIntermediateDirectories: true,
        attributes: [.posixPermissions: 0o750])
      audit = try AuditLog(
        configuration: AuditConfiguration(
          directory: directory,
          key: try arguments.value("--audit-key").map(AuditKey.load(fromFile:))),
        topologyHash: try AuditDigest.file(topologyPath),
        policyHash: try AuditDigest.policyDirectory(policiesPath))
      configuration.reportsCandidates = true
    } else if arguments.value("--audit-key") != nil {
      throw UsageError("--audit-key needs --audit-dir")
    }
    let engine = PlacementEngine(
      topology: topology, policies: policies, configuration: configuration,
      sealer: HPKEPayloadSealer(), recorder: audit)
    return (engine, audit)
  }

  /// `response`, once the audit log (if any) has every record taken so far; an
  /// `audit_unavailable` error line when it cannot have them.
  private static func answered(_ response: [UInt8], audit: AuditLog?) -> [UInt8] {
    guard let audit else { return response }
    do {
      try audit.waitUntilDurable(audit.head.sequence)
      return response
    } catch {
      return ProtocolHandler.errorLine(
        WireError(.auditUnavailable, "the audit log cannot be written: \(error)"))
    }
  }

  /// The request the single-request flags describe, and its budget.
  private static func singleRequest(_ arguments: CommandArguments) throws -> (
    PlacementRequest, Double
  ) {
    guard let model = arguments.value("--model") else {
      throw UsageError("--model is required with --budget")
    }
    guard let budget = try arguments.number("--budget") else {
      throw UsageError("--budget is required with --model (the latency budget in milliseconds)")
    }
    let priorityName = arguments.value("--priority") ?? "standard"
    guard let priority = Priority(rawValue: priorityName) else {
      throw UsageError(
        "--priority expects critical, standard or sheddable, found '\(priorityName)'")
    }
    let bytes = try arguments.integer("--bytes") ?? 0
    guard bytes >= 0 else {
      throw UsageError("--bytes expects a size in bytes >= 0, found \(bytes)")
    }
    guard budget > 0 else { throw UsageError("--budget expects milliseconds > 0, found \(budget)") }
    let request = PlacementRequest(
      id: arguments.value("--id") ?? "", model: model, latencyBudgetMs: budget,
      payloadBytes: bytes, tags: Set(arguments.allValues("--tag")),
      priority: priority, source: arguments.value("--source") ?? "")
    return (request, budget)
  }

  /// `request` as a wire-protocol `place` (or `explain`) line, without its `\n`.
  private static func requestLine(_ request: PlacementRequest, explaining: Bool) -> [UInt8] {
    var writer = JSONWriter()
    writer.beginObject()
    writer.key("op")
    writer.value(explaining ? "explain" : "place")
    if !request.id.isEmpty {
      writer.key("id")
      writer.value(request.id)
    }
    writer.key("model")
    writer.value(request.model)
    writer.key("latency_budget_ms")
    writer.value(request.latencyBudgetMs)
    writer.key("payload_bytes")
    writer.value(request.payloadBytes)
    writer.key("tags")
    writer.value(request.tags.sorted())
    writer.key("priority")
    writer.value(request.priority.rawValue)
    if !request.source.isEmpty {
      writer.key("source")
      writer.value(request.source)
    }
    writer.endObject()
    return writer.bytes
  }

  /// Copies standard input to the daemon and its answers to standard output, both ways at once
  /// (a client may pipeline), until standard input ends and every answer arrived.
  private static func relay(to client: PlacementClient) throws -> Int32 {
    let answers = try ReaderThread {
      while let line = try client.readLine() {
        guard (line + [0x0A]).withUnsafeBytes({ StandardStream.output.write($0) }) else { return }
      }
    }
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
      if count < 0 && errno == EINTR { continue }
      if count <= 0 { break }
      try client.send(chunk[0..<count])
    }
    client.finishSending()
    try answers.wait()
    return 0
  }

  private static func placeOne(
    _ arguments: CommandArguments, engine: PlacementEngine, handler: ProtocolHandler
  ) throws -> Int32 {
    let (request, budget) = try singleRequest(arguments)
    let explaining = arguments.isSet("--explain")
    if arguments.isSet("--json") {
      let response = handler.respond(to: requestLine(request, explaining: explaining))
      response.withUnsafeBytes { _ = StandardStream.output.write($0) }
      return 0
    }
    do {
      let decision = explaining ? try engine.explain(request) : try engine.place(request)
      StandardStream.output.write(DecisionFormatter.describe(decision, budgetMs: budget))
    } catch {
      throw UsageError("\(error)")
    }
    return 0
  }
}
