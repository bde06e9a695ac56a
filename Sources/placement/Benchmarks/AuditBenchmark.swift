import Dispatch
import Placement
import PlacementAudit
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Audit log speed per durability mode, beside raw `write(2)` and `fdatasync` of the same bytes
/// measured in the same run (issue 5): records per second, and the latency a decision gains
/// when its answer waits for its record to commit (place + commit, against place alone).
struct AuditBenchmark {
  /// Decisions appended without waiting (the record path's throughput).
  var appendDecisions = 200_000
  /// Requests in flight at once in the answered runs (each answered when its record commits).
  var clients = 64
  /// Decisions per client in the answered runs.
  var decisionsPerClient = 1_000
  /// Where the logs go (a directory on the disk to measure); removed afterwards.
  var directory = "audit-bench"

  func run() throws -> String {
    try? removeTree(directory)
    mkdir(directory, 0o750)
    defer { try? removeTree(directory) }
    // Baseline: place alone, no log.
    let bare = try AuditLoad.engine(recordingInto: nil)
    let baseline = try clientsRun(engine: bare, log: nil)
    var table = ResultTable(header: [
      "mode", "append rec/s", "answered rec/s", "p50 µs", "p99 µs", "added p50 µs",
      "added p99 µs", "syncs",
    ])
    table.rows.append([
      "no log", "-", ResultTable.format(baseline.rate), ResultTable.format(baseline.p50 / 1000),
      ResultTable.format(baseline.p99 / 1000), "-", "-", "-",
    ])
    var recordBytes = 0
    var sample: [UInt8] = []
    for durability in AuditDurability.allCases {
      // Throughput of the record path: place as fast as possible, then wait for the last one.
      let appendDirectory = "\(directory)/append-\(durability.rawValue)"
      let appendLog = try AuditLog(
        configuration: AuditConfiguration(directory: appendDirectory, durability: durability),
        topologyHash: "bench", policyHash: "bench")
      let engine = try AuditLoad.engine(recordingInto: appendLog)
      let start = Samples.now()
      var last: UInt64 = 0
      for index in 0..<appendDecisions { last = try AuditLoad.step(engine, index) ?? last }
      try appendLog.waitUntilDurable(appendLog.head.sequence)
      let elapsed = Double(Samples.now() - start) / 1e9
      let appended = Double(appendLog.counters.recordsAppended)
      defer { try? appendLog.close() }
      if sample.isEmpty {
        let counters = appendLog.counters
        recordBytes = Int(counters.bytesWritten / max(counters.recordsWritten, 1))
        let bytes = try AuditSegments.read("\(appendDirectory)/" + AuditSegments.name(1))
        sample = Array(bytes.prefix(4 << 20))
      }
      // Latency: clients that each wait for their record to commit before the next request.
      let log = try AuditLog(
        configuration: AuditConfiguration(
          directory: "\(directory)/clients-\(durability.rawValue)", durability: durability),
        topologyHash: "bench", policyHash: "bench")
      let waited = try clientsRun(engine: try AuditLoad.engine(recordingInto: log), log: log)
      let syncs = log.counters.syncs
      try log.close()
      table.rows.append([
        durability.rawValue, ResultTable.format(appended / elapsed),
        ResultTable.format(waited.rate), ResultTable.format(waited.p50 / 1000),
        ResultTable.format(waited.p99 / 1000),
        ResultTable.format((waited.p50 - baseline.p50) / 1000),
        ResultTable.format((waited.p99 - baseline.p99) / 1000), String(syncs),
      ])
    }
    let raw = try rawBaseline(sample: sample, recordBytes: recordBytes)
    return
      "audit log (\(clients) requests in flight, each answered when its record commits; \(appendDecisions) appended"
      + " decisions with completions; ~\(recordBytes) bytes per record)\n" + table.text
      + "raw, same bytes: write(2) of one record \(ResultTable.format(raw.write / 1000)) µs p50,"
      + " write + fdatasync of one record \(ResultTable.format(raw.sync / 1000)) µs p50,"
      + " write(2) of 64 KiB batches \(ResultTable.format(raw.throughput)) rec/s\n"
  }

  /// A server's pattern: up to `clients` requests in flight, each answered (its latency taken)
  /// when its record commits, through ``AuditLog/whenDurable(_:_:)`` as an event loop would.
  private func clientsRun(engine: PlacementEngine, log: AuditLog?) throws -> (
    rate: Double, p50: Double, p99: Double
  ) {
    let total = clients * decisionsPerClient
    let samples = Mutex<[Double]>([])
    let window = DispatchSemaphore(value: clients)
    let finished = DispatchSemaphore(value: 0)
    let remaining = Atomic<Int>(total)
    let start = Samples.now()
    for index in 0..<total {
      window.wait()
      let begin = Samples.now()
      let decision = try engine.place(AuditLoad.request(index))
      if let lease = decision.assignment?.lease {
        _ = try? engine.complete(lease: lease, observedMs: 30, status: .ok)
      }
      let answer: @Sendable (AuditError?) -> Void = { _ in
        let elapsed = Double(Samples.now() - begin)
        samples.withLock { $0.append(elapsed) }
        window.signal()
        if remaining.subtract(1, ordering: .relaxed).newValue == 0 { finished.signal() }
      }
      if let log, let sequence = decision.auditSequence {
        log.whenDurable(sequence, answer)
      } else {
        answer(nil)
      }
    }
    finished.wait()
    let elapsed = Double(Samples.now() - start) / 1e9
    var all = Samples(capacity: total)
    for value in samples.withLock({ $0 }) { all.append(value) }
    return (Double(all.count) / elapsed, all.median, all.percentile(0.99))
  }

  /// Raw `write(2)` and `fdatasync` of the log's own bytes.
  private func rawBaseline(sample: [UInt8], recordBytes: Int) throws -> (
    write: Double, sync: Double, throughput: Double
  ) {
    let path = "\(directory)/raw"
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o640)
    guard descriptor >= 0 else { throw BenchmarkFailure("cannot create \(path)") }
    defer { close(descriptor) }
    let record = Array(sample.prefix(max(recordBytes, 1)))
    let writes = Samples.measure(20_000) { _ in
      _ = record.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }
    let syncs = Samples.measure(300) { _ in
      _ = record.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
      fdatasync(descriptor)
    }
    var batches = Samples(capacity: 64)
    for _ in 0..<8 {
      let start = Samples.now()
      var offset = 0
      while offset < sample.count {
        let end = min(offset + 65536, sample.count)
        _ = sample[offset..<end].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        offset = end
      }
      batches.append(Double(Samples.now() - start))
    }
    let records = Double(sample.count) / Double(max(recordBytes, 1))
    return (writes.median, syncs.median, records / (batches.median / 1e9))
  }
}

/// A benchmark that could not run.
struct BenchmarkFailure: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// Removes `path` and everything under it (the benchmark's own scratch directory).
private func removeTree(_ path: String) throws {
  guard let handle = opendir(path) else {
    unlink(path)
    return
  }
  var names: [String] = []
  while let entry = readdir(handle) {
    let name = withUnsafePointer(to: entry.pointee.d_name) {
      $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
    }
    if name != "." && name != ".." { names.append(name) }
  }
  closedir(handle)
  for name in names {
    let child = path + "/" + name
    if unlink(child) != 0 { try removeTree(child) }
  }
  rmdir(path)
}
