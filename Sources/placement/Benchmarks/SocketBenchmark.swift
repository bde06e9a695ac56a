import Placement
import PlacementJSON
import PlacementScaling
import PlacementServer
import Synchronization

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

#if canImport(Glibc)
  import Glibc
#endif

/// The daemon over its Unix socket beside a raw echo over the same kind of socket, measured in
/// the same run (issue 4): round trip with one request at a time, and throughput with 32 in
/// flight. Requests are `place` then `complete` of its lease, so in-flight counts stay level.
struct SocketBenchmark {
  /// Answers to `place` lines with 32 in flight, and how many were rejections: a rejection is
  /// a decision, but one without a `complete` to follow, so the share is reported beside the
  /// rates it lightens.
  final class Outcomes: Sendable {
    let answered = Atomic<Int>(0)
    let rejected = Atomic<Int>(0)

    /// The counts since the last call, cleared.
    func take() -> (answered: Int, rejected: Int) {
      (answered.exchange(0, ordering: .relaxed), rejected.exchange(0, ordering: .relaxed))
    }
  }

  let outcomes = Outcomes()
  var roundTrips = 20_000
  var pipelinedDecisions = 300_000
  var soakSeconds = 0

  /// The request measured. Its budget is met with 32 in flight, so every decision is a
  /// placement followed by its `complete`. (Before run H it was 80 ms, and 16–59 % of the
  /// decisions with 32 in flight were rejected over budget, each one without a `complete`:
  /// less work per decision than the load described.)
  static let placeLine =
    Array(
      #"{"op":"place","model":"detector-s","latency_budget_ms":1000,"payload_bytes":250000,"tags":["pii"],"source":"cam-17"}"#
        .utf8) + [0x0A]

  func run(topology: Topology, policies: PolicySet) throws -> String {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("placement-bench-\(getpid())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    var table = ResultTable(header: [
      "server", "1 in flight p50 µs", "p99 µs", "ratio to echo (p50)",
      "32 in flight /s (median of 3 runs)",
      "p50 µs", "p99 µs",
    ])
    let echoPath = directory.appendingPathComponent("echo.sock").path
    let echo = try EchoServer(path: echoPath)
    let echoSerial = try measureSerial(socket: echoPath, echo: true)
    let echoPipelined = try measurePipelined(socket: echoPath, echo: true)
    let echoSpread = try measurePipelined(socket: echoPath, echo: true, connections: 2)
    let echoPollingSerial = try measureSerial(socket: echoPath, echo: true, polling: true)
    let echoPolling = try measurePipelined(socket: echoPath, echo: true, polling: true)
    echo.stop()
    table.rows.append(row("raw echo", echoSerial, echoPipelined, baseline: echoSerial.median))
    table.rows.append(spreadRow("raw echo", echoSpread))
    table.rows.append(
      row(
        "raw echo, polling client", echoPollingSerial, echoPolling,
        baseline: echoPollingSerial.median))
    var pollingRows: [[String]] = []
    var notes = try handlerCost(topology: topology, policies: policies)
    for (name, audit) in [
      ("daemon, no audit", ["--no-audit"]),
      (
        "daemon, audit buffered", ["--audit-dir", directory.appendingPathComponent("audit-b").path]
      ),
      (
        "daemon, audit durable",
        [
          "--audit-dir", directory.appendingPathComponent("audit-d").path, "--audit-durability",
          "durable",
        ]
      ),
    ] {
      let socket = directory.appendingPathComponent("p.sock").path
      let daemon = try DaemonProcess(socket: socket, extra: audit)
      let serial: Samples
      let pipelined: (rate: Double, samples: Samples)
      let spread: (rate: Double, samples: Samples)
      _ = outcomes.take()
      do {
        serial = try measureSerial(socket: socket, echo: false)
        pipelined = try measurePipelined(socket: socket, echo: false)
        spread = try measurePipelined(socket: socket, echo: false, connections: 2)
        if audit == ["--no-audit"] {
          let pollingSerial = try measureSerial(socket: socket, echo: false, polling: true)
          let polling = try measurePipelined(socket: socket, echo: false, polling: true)
          pollingRows.append(
            row(
              "\(name), polling client", pollingSerial, polling,
              baseline: echoPollingSerial.median))
        }
      } catch {
        let ended = daemon.exitDescription
        if ended.isEmpty { daemon.stop() }
        throw UsageError("\(name): \(error)\(ended)")
      }
      let resident = daemon.residentKilobytes()
      // The loops hand free memory back after a second with nothing to do.
      usleep(1_500_000)
      let idle = daemon.residentKilobytes()
      daemon.stop()
      table.rows.append(row(name, serial, pipelined, baseline: echoSerial.median))
      table.rows.append(spreadRow(name, spread))
      let counted = outcomes.take()
      notes +=
        "\(name): \(Self.share(counted)) of the places with 32 in flight were rejected (over budget while queued)\n"
      notes +=
        "\(name): resident memory right after load \(resident / 1024) MiB (\(resident) KiB), 1.5 s later \(idle / 1024) MiB (\(idle) KiB)\n"
    }
    table.rows += pollingRows
    var output = "daemon over a Unix socket beside a raw echo (same socket kind, same run)\n"
    output += table.text + notes
    if soakSeconds > 0 {
      for durability in ["buffered", "durable"] {
        output += try soak(directory: directory, durability: durability)
      }
    }
    return output
  }

  /// What the daemon spends per decision without the socket: the `place` line and its
  /// `complete` answered by the wire protocol handler in-process (parse, decide, encode), as
  /// the daemon's loops call it; beside the same place and complete called on the engine
  /// directly, interleaved in one loop, so the difference is the protocol's own cost.
  func handlerCost(topology: Topology, policies: PolicySet) throws -> String {
    // As `placement serve --no-audit` builds them: the autoscaling forecaster fed by the engine
    // and read by the metrics. (No sealer: the benchmark's request carries no payload.)
    let scaling = ScalingForecaster()
    let engine = PlacementEngine(
      topology: topology, policies: policies, configuration: .init(seed: 1), observer: scaling)
    let handler = ProtocolHandler(
      engine: engine, metrics: ServerMetrics(scaling: scaling, engine: engine))
    var timings = [Samples](repeating: Samples(capacity: roundTrips * 5), count: 4)
    let placeRequest = Self.placeLine.dropLast()
    let request = PlacementRequest(
      model: "detector-s", latencyBudgetMs: 1000, payloadBytes: 250_000, tags: ["pii"],
      source: "cam-17")
    // One writer and one memory of recent values, kept across lines as an event loop keeps them
    // (its writer remembers fractions too).
    var writer = JSONWriter(capacity: 4096, remembersNumbers: true)
    var recent = WireRequestScanner.Recent()
    for index in 0..<(roundTrips * 5 + 2000) {
      var start = Samples.now()
      writer.reset()
      _ = handler.respond(to: placeRequest, into: &writer, reusing: &recent)
      let placed = Samples.now()
      guard let line = Self.completeLine(for: writer.bytes) else {
        throw UsageError("the handler did not place the benchmark's request")
      }
      let completeStart = Samples.now()
      writer.reset()
      _ = handler.respond(to: line.dropLast(), into: &writer, reusing: &recent)
      let completed = Samples.now()
      if index >= 2000 {
        timings[0].append(Double(placed - start))
        timings[1].append(Double(completed - completeStart))
      }
      start = Samples.now()
      let decision = try engine.place(request)
      let decided = Samples.now()
      guard let lease = decision.assignment?.lease else {
        throw UsageError("the engine did not place the benchmark's request")
      }
      let engineCompleteStart = Samples.now()
      _ = try engine.complete(lease: lease, observedMs: 28)
      let engineCompleted = Samples.now()
      if index >= 2000 {
        timings[2].append(Double(decided - start))
        timings[3].append(Double(engineCompleted - engineCompleteStart))
      }
    }
    var table = ResultTable(header: [
      "in-process, no socket", "place p50 ns", "p99 ns", "complete p50 ns", "p99 ns",
    ])
    for (name, place, complete) in [
      ("wire protocol handler (parse, decide, encode)", timings[0], timings[1]),
      ("engine alone", timings[2], timings[3]),
    ] {
      table.rows.append([
        name, ResultTable.format(place.median, decimals: 0),
        ResultTable.format(place.percentile(0.99), decimals: 0),
        ResultTable.format(complete.median, decimals: 0),
        ResultTable.format(complete.percentile(0.99), decimals: 0),
      ])
    }
    return table.text
  }

  /// A row for 32 in flight over two connections (16 on each).
  private func spreadRow(_ name: String, _ pipelined: (rate: Double, samples: Samples)) -> [String]
  {
    [
      "\(name), 2 connections", "", "", "", ResultTable.format(pipelined.rate, decimals: 0),
      ResultTable.format(pipelined.samples.median / 1000, decimals: 1),
      ResultTable.format(pipelined.samples.percentile(0.99) / 1000, decimals: 1),
    ]
  }

  private func row(
    _ name: String, _ serial: Samples, _ pipelined: (rate: Double, samples: Samples),
    baseline: Double
  ) -> [String] {
    [
      name, ResultTable.format(serial.median / 1000, decimals: 1),
      ResultTable.format(serial.percentile(0.99) / 1000, decimals: 1),
      ResultTable.format(serial.median / baseline), ResultTable.format(pipelined.rate, decimals: 0),
      ResultTable.format(pipelined.samples.median / 1000, decimals: 1),
      ResultTable.format(pipelined.samples.percentile(0.99) / 1000, decimals: 1),
    ]
  }

  /// Round trips of a `place` line, one at a time (each followed, untimed, by its `complete`).
  private func measureSerial(socket: String, echo: Bool, polling: Bool = false) throws -> Samples {
    let client = try PlacementClient(socketPath: socket)
    if polling { client.pollsBeforeSleeping = Self.pollsBeforeSleeping }
    var samples = Samples(capacity: roundTrips)
    for index in 0..<(roundTrips + 2000) {
      let start = Samples.now()
      try client.send(Self.placeLine)
      guard let answer = try client.readLine() else {
        throw UsageError("the server closed the connection")
      }
      if index >= 2000 { samples.append(Double(Samples.now() - start)) }
      if !echo, let complete = Self.completeLine(for: answer) {
        try client.send(complete)
        _ = try client.readLine()
      }
    }
    return samples
  }

  /// How often a polling client looks for input before it sleeps: about a millisecond, longer
  /// than the daemon takes to answer a round of 32.
  static let pollsBeforeSleeping = 2000

  /// How many times a throughput is measured; the median rate is reported. The machine is
  /// shared: one run can land on a busy second.
  static let throughputRuns = 3

  /// Decisions per second with 32 `place` requests in flight, spread over `connections`
  /// connections each driven by a thread of its own (two make both of the daemon's event loops
  /// work): each answer is followed by the `complete` of its lease and a new `place`. The
  /// median rate of ``throughputRuns`` runs, and the round trips of all of them.
  private func measurePipelined(
    socket: String, echo: Bool, connections: Int = 1, polling: Bool = false
  ) throws -> (rate: Double, samples: Samples) {
    var rates: [Double] = []
    var merged = Samples(capacity: pipelinedDecisions)
    for _ in 0..<Self.throughputRuns {
      let run = try measurePipelinedOnce(
        socket: socket, echo: echo, connections: connections, polling: polling)
      rates.append(run.rate)
      for value in run.samples.nanoseconds { merged.append(value) }
    }
    return (rates.sorted()[rates.count / 2], merged)
  }

  /// One run of ``measurePipelined(socket:echo:connections:polling:)``.
  private func measurePipelinedOnce(
    socket: String, echo: Bool, connections: Int, polling: Bool
  ) throws -> (rate: Double, samples: Samples) {
    let decisions = pipelinedDecisions / Self.throughputRuns
    if connections == 1 {
      return try measureConnection(
        socket: socket, echo: echo, inFlight: 32, decisions: decisions, polling: polling)
    }
    let results = Mutex<[Samples]>([])
    let started = Samples.now()
    let threads = try (0..<connections).map { _ in
      try ReaderThread { [self] in
        let result = try measureConnection(
          socket: socket, echo: echo, inFlight: 32 / connections,
          decisions: decisions / connections, polling: polling)
        results.withLock { $0.append(result.samples) }
      }
    }
    for thread in threads { try thread.wait() }
    let seconds = Double(Samples.now() - started) / 1e9
    var merged = Samples(capacity: decisions)
    for samples in results.withLock({ $0 }) {
      for value in samples.nanoseconds { merged.append(value) }
    }
    return (Double(merged.count) / seconds, merged)
  }

  /// `decisions` place-and-complete pairs with `inFlight` places in flight on one new
  /// connection: their rate and each place's round trip.
  private func measureConnection(
    socket: String, echo: Bool, inFlight: Int, decisions: Int, polling: Bool
  ) throws -> (rate: Double, samples: Samples) {
    let client = try PlacementClient(socketPath: socket)
    if polling { client.pollsBeforeSleeping = Self.pollsBeforeSleeping }
    var samples = Samples(capacity: decisions)
    var sentAt: [UInt64] = []  // one per place in flight, in order
    var kinds: [Bool] = []  // per line in flight: true for a place
    var head = 0
    var placesSent = 0
    var placesAnswered = 0
    var batch: [UInt8] = []
    for _ in 0..<inFlight {
      batch += Self.placeLine
      kinds.append(true)
      sentAt.append(Samples.now())
      placesSent += 1
    }
    try client.send(batch)
    batch.removeAll(keepingCapacity: true)
    let started = Samples.now()
    var placeHead = 0
    while placesAnswered < decisions {
      guard let answer = try client.readLine() else {
        throw UsageError("the server closed the connection")
      }
      let wasPlace = kinds[head]
      head += 1
      if !echo && !answer.starts(with: Self.okPrefix) {
        // An error answered fast is no decision: counting it would flatter the figures.
        throw UsageError(
          "the daemon answered with an error: \(String(decoding: answer, as: UTF8.self))")
      }
      if wasPlace {
        samples.append(Double(Samples.now() - sentAt[placeHead]))
        placeHead += 1
        placesAnswered += 1
        if !echo {
          outcomes.answered.wrappingAdd(1, ordering: .relaxed)
          if let complete = Self.completeLine(for: answer) {
            batch += complete
            kinds.append(false)
          } else if Self.position(of: Self.rejectedMarker, in: answer) != nil {
            outcomes.rejected.wrappingAdd(1, ordering: .relaxed)
          } else {
            throw UsageError(
              "the daemon neither placed nor rejected the benchmark's request: \(String(decoding: answer, as: UTF8.self))"
            )
          }
        }
        if placesSent < decisions {
          batch += Self.placeLine
          kinds.append(true)
          sentAt.append(Samples.now())
          placesSent += 1
        }
      }
      // Sent at once, not after the answers already received: the daemon then always has
      // work, and it answers while this client reads.
      if !batch.isEmpty {
        try client.send(batch)
        batch.removeAll(keepingCapacity: true)
      }
    }
    let seconds = Double(Samples.now() - started) / 1e9
    return (Double(placesAnswered) / seconds, samples)
  }

  /// The `complete` line for a placed answer's lease.
  static func completeLine(for answer: [UInt8]) -> [UInt8]? {
    let found = position(of: leaseMarker, in: answer)
    guard let found, found + leaseMarker.count + 32 <= answer.count else { return nil }
    let start = found + leaseMarker.count
    var line = completePrefix
    line.append(contentsOf: answer[start..<start + 32])
    line.append(contentsOf: completeSuffix)
    return line
  }

  /// `rejected` as a percentage of `answered`.
  static func share(_ counted: (answered: Int, rejected: Int)) -> String {
    let percent =
      counted.answered == 0 ? 0 : 100 * Double(counted.rejected) / Double(counted.answered)
    return
      "\(ResultTable.format(percent, decimals: 1)) % (\(counted.rejected) of \(counted.answered))"
  }

  /// Where `marker` first occurs in `bytes`.
  static func position(of marker: [UInt8], in bytes: [UInt8]) -> Int? {
    bytes.withUnsafeBufferPointer { bytes -> Int? in
      marker.withUnsafeBufferPointer { marker -> Int? in
        var index = 0
        while index + marker.count <= bytes.count {
          if bytes[index] == marker[0]
            && memcmp(bytes.baseAddress! + index, marker.baseAddress!, marker.count) == 0
          {
            return index
          }
          index += 1
        }
        return nil
      }
    }
  }

  private static let okPrefix = Array(#"{"ok":true"#.utf8)
  private static let rejectedMarker = Array(#""outcome":"rejected""#.utf8)
  private static let leaseMarker = Array(#""lease":""#.utf8)
  private static let completePrefix = Array(#"{"op":"complete","lease":""#.utf8)
  private static let completeSuffix = Array(#"","observed_ms":28}"#.utf8) + [0x0A]

  /// Keeps 32 requests in flight on one connection for `soakSeconds` against a daemon with an
  /// audit log in `durability` mode, reading its resident memory every 10 s. Pipelined, because
  /// answers held for the log overlap only then (a serial soak missed a connection that kept
  /// every answer it had sent under a durable log).
  private func soak(directory: URL, durability: String) throws -> String {
    let socket = directory.appendingPathComponent("soak.sock").path
    let audit = directory.appendingPathComponent("audit-soak-\(durability)")
    let daemon = try DaemonProcess(
      socket: socket, extra: ["--audit-dir", audit.path, "--audit-durability", durability])
    defer {
      daemon.stop()
      // Minutes at full speed fill tens of GB with records: gone before the next soak starts.
      try? FileManager.default.removeItem(at: audit)
    }
    var samples: [Int] = []
    _ = outcomes.take()
    let started = Samples.now()
    let end = started + UInt64(soakSeconds) * 1_000_000_000
    var nextSample = started
    var decisions = 0
    while true {
      let now = Samples.now()
      if now >= nextSample {
        samples.append(daemon.residentKilobytes())
        nextSample += 10_000_000_000
      }
      guard now < end else { break }
      // A new connection every 20,000 decisions, as clients come and go.
      decisions +=
        try measureConnection(
          socket: socket, echo: false, inFlight: 32, decisions: 20_000, polling: false
        ).samples.count
    }
    let mib = samples.map { ResultTable.format(Double($0) / 1024, decimals: 1) }
    let counted = outcomes.take()
    return
      "soak (audit \(durability), 32 in flight): \(decisions) decisions over \(soakSeconds) s, \(Self.share(counted)) rejected; resident MiB every 10 s: \(mib.joined(separator: " "))\n"
  }
}

/// A `placement serve` child process for the benchmark, spawned with `posix_spawn` (this
/// binary, so the figures are for exactly the code that was built).
private final class DaemonProcess {
  let pid: pid_t

  init(socket: String, extra: [String]) throws {
    var path = [CChar](repeating: 0, count: 4096)
    let length = readlink("/proc/self/exe", &path, path.count - 1)
    guard length > 0 else { throw UsageError("cannot find this executable (/proc/self/exe)") }
    let executable = String(decoding: path[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let arguments = [executable, "serve", "--socket", socket, "--seed", "1"] + extra
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { for argument in argv { free(argument) } }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    var pid: pid_t = 0
    let status = posix_spawn(&pid, executable, &actions, nil, &argv, environ)
    guard status == 0 else {
      throw UsageError("cannot start the benchmark's daemon: \(String(cString: strerror(status)))")
    }
    self.pid = pid
    for _ in 0..<400 {
      if let client = try? PlacementClient(socketPath: socket),
        (try? client.request(#"{"op":"ping"}"#)) != nil
      {
        return
      }
      usleep(10_000)
    }
    stop()
    throw UsageError("the benchmark's daemon did not start")
  }

  /// VmRSS from /proc, in KiB.
  func residentKilobytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return 0 }
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
  }

  /// How the daemon ended, if it did (a crash under load), for an error message.
  var exitDescription: String {
    var status: Int32 = 0
    guard waitpid(pid, &status, WNOHANG) == pid else { return "" }
    let signal = status & 0x7F
    return signal != 0
      ? "; the daemon was killed by signal \(signal)"
      : "; the daemon exited with \((status >> 8) & 0xFF)"
  }

  func stop() {
    kill(pid, SIGTERM)
    var status: Int32 = 0
    waitpid(pid, &status, 0)
  }
}

/// A raw echo server on a Unix socket: each connection's bytes are written straight back, on
/// a thread of its own, as plainly as it can be done.
private final class EchoServer: Sendable {
  private let descriptor: Int32
  private let path: String

  init(path: String) throws {
    self.path = path
    unlink(path)
    let address = try UnixSocketAddress(path)
    let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    let bound = address.withSocketAddress { bind(descriptor, $0, $1) }
    guard bound == 0, listen(descriptor, 16) == 0 else {
      throw UsageError("echo server: cannot listen on \(path)")
    }
    self.descriptor = descriptor
    _ = try ReaderThread { [descriptor] in
      while true {
        let connection = accept(descriptor, nil, nil)
        if connection < 0 { return }
        _ = try ReaderThread {
          var buffer = [UInt8](repeating: 0, count: 65536)
          while true {
            let count = buffer.withUnsafeMutableBytes { read(connection, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            var offset = 0
            while offset < count {
              let written = buffer.withUnsafeBytes {
                write(connection, $0.baseAddress! + offset, count - offset)
              }
              if written <= 0 { break }
              offset += written
            }
          }
          close(connection)
        }
      }
    }
  }

  func stop() {
    shutdown(descriptor, Int32(SHUT_RDWR))
    close(descriptor)
    unlink(path)
  }
}
