// Test support tool, not a user command (it is not installed and `placement help` does not
// list it): drives an AuditLog with a synthetic decision load and prints, one per line on
// standard output, the audit sequence number of every decision whose record is committed
// (its answer could have left). The crash test kills it with SIGKILL mid-load and checks that
// every printed number is in the log; the disk-full test runs it under a file-size limit.
//
// usage: placement-audit-writer-load DIR [--count N] [--durability buffered|durable]
//          [--on-failure refuse|continue] [--fsize-limit BYTES] [--lift-after N]
//          [--segment-size BYTES] [--batch N]
// With --batch N it records N decisions before it waits for the last one to commit, as a server
// with N requests in flight would.
// At the end it prints `summary refused=R lost=L failures=F written=W` on standard error.

import Placement
import PlacementAudit

#if canImport(Glibc)
  import Glibc
#endif

func say(_ text: String) {
  var bytes = Array(text.utf8)
  _ = write(2, &bytes, bytes.count)
}

func fail<T>(_ message: String) -> T {
  say("placement-audit-writer-load: \(message)\n")
  exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard let directory = arguments.first, !directory.hasPrefix("--") else {
  let _: Void = fail(
    "usage: placement-audit-writer-load DIR [--count N] [--durability M] [--on-failure B]"
      + " [--fsize-limit BYTES] [--lift-after N] [--segment-size BYTES] [--batch N]")
  exit(2)
}
arguments.removeFirst()
var options: [String: String] = [:]
while arguments.count >= 2 {
  options[arguments[0]] = arguments[1]
  arguments.removeFirst(2)
}
var configuration = AuditConfiguration(directory: directory)
configuration.durability =
  AuditDurability(rawValue: options["--durability"] ?? "buffered")
  ?? fail("bad --durability")
configuration.failureBehavior =
  AuditFailureBehavior(rawValue: options["--on-failure"] ?? "refuse") ?? fail("bad --on-failure")
configuration.syncInterval = .milliseconds(50)
if let size = options["--segment-size"] {
  configuration.segmentSize = Int(size) ?? fail("bad --segment-size")
}
let count = Int(options["--count"] ?? "1000000000") ?? fail("bad --count")
let liftAfter = Int(options["--lift-after"] ?? "-1") ?? fail("bad --lift-after")
let batch = Int(options["--batch"] ?? "1") ?? fail("bad --batch")
if let limit = options["--fsize-limit"].flatMap({ Int($0) }) {
  signal(SIGXFSZ, SIG_IGN)  // a write past the limit then fails with EFBIG instead of killing us
  var current = rlimit()
  getrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &current)
  var limited = rlimit(rlim_cur: rlim_t(limit), rlim_max: current.rlim_max)
  guard setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limited) == 0 else {
    let _: Void = fail("setrlimit failed")
    exit(2)
  }
}

let log: AuditLog
let engine: PlacementEngine
do {
  log = try AuditLog(configuration: configuration, topologyHash: "load", policyHash: "load")
  engine = try AuditLoad.engine(recordingInto: log)
} catch {
  let _: Void = fail("\(error)")
  exit(2)
}
var refused = 0
var pending: [UInt64] = []
for index in 0..<count {
  if index == liftAfter {
    var current = rlimit()
    getrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &current)
    var lifted = rlimit(rlim_cur: current.rlim_max, rlim_max: current.rlim_max)
    setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &lifted)
    usleep(300_000)  // let the writer's retry happen
  }
  do {
    if let sequence = try AuditLoad.step(engine, index) { pending.append(sequence) }
  } catch {
    refused += 1
  }
  guard let last = pending.last, pending.count >= batch || index == count - 1 else { continue }
  do {
    try log.waitUntilDurable(last)
    var lines = Array(pending.map { "\($0)\n" }.joined().utf8)
    _ = write(1, &lines, lines.count)
  } catch {
    refused += pending.count
  }
  pending.removeAll()
}
let closeError: String
do {
  try log.close()
  closeError = ""
} catch {
  closeError = " close=\(error)"
}
let counters = log.counters
say(
  "summary refused=\(refused) lost=\(counters.recordsLost) failures=\(counters.writeFailures)"
    + " written=\(counters.recordsWritten) refusedByLog=\(counters.recordsRefused)\(closeError)\n")
