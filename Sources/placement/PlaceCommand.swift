import Placement
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
        "--tag", "--priority", "--source", "--id", "--socket",
      ],
      flags: ["--help", "--json", "--explain"])
    if arguments.isSet("--help") {
      StandardStream.output.write(placeUsage)
      return 0
    }
    let single = arguments.value("--model") != nil || arguments.value("--budget") != nil
    if let socket = arguments.value("--socket") {
      for local in ["--topology", "--policies", "--seed"] where arguments.value(local) != nil {
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
    let engine = try makeEngine(arguments)
    let handler = ProtocolHandler(engine: engine)
    if single {
      return try placeOne(arguments, engine: engine, handler: handler)
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
        response = handler.respond(to: text)
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
           placement place --model NAME --budget MS [--bytes N] [--tag TAG]... [--priority P]
                           [--source S] [--id ID] [--explain] [--json]

    Without --model: reads request lines of the wire protocol (DESIGN.md section 7) on standard
    input and answers each on standard output as soon as it is read; leases and estimates live
    for the whole run. Ops: place, explain, complete, health, status, ping.

    With --model and --budget: places one request and prints the decision for a person
    (--json: the wire protocol's response line; --explain: every candidate, nothing taken).

    Defaults: the demo topology and the default policies of this checkout.

    """

  static func makeEngine(_ arguments: CommandArguments) throws -> PlacementEngine {
    let topology = try Topology.load(contentsOfFile: DefaultLocations.topology(arguments))
    let policies = try PolicySet.load(directory: DefaultLocations.policies(arguments))
    var configuration = EngineConfiguration()
    if let seed = try arguments.integer("--seed") {
      configuration.seed = UInt64(bitPattern: Int64(seed))
    }
    return PlacementEngine(
      topology: topology, policies: policies, configuration: configuration,
      sealer: HPKEPayloadSealer())
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
    writer.beginArray()
    for tag in request.tags.sorted() { writer.value(tag) }
    writer.endArray()
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
