import Foundation
import Placement
import PlacementAudit
import PlacementJSON
import PlacementSealing
import Synchronization
import Testing

@Suite struct AuditLogTests {
  @Test func recordsChainAndVerify() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try writeSampleLog(in: directory)
    let segments = try segmentLines(directory)
    #expect(segments.count == 1)
    let lines = segments[0].lines
    #expect(lines.first?.contains(#""type":"start""#) == true)
    #expect(lines.last?.contains(#""type":"stop""#) == true)
    for (index, line) in lines.enumerated() {
      #expect(sequence(of: line) == UInt64(index + 1))
      #expect(line.hasPrefix(#"{"seq":\#(index + 1),"time":""#))
      let object = try JSONReader.parse(line)
      guard case .object(let members) = object else {
        Issue.record("not an object: \(line)")
        continue
      }
      let keys = members.members.map(\.key)
      #expect(Array(keys.prefix(3)) == ["seq", "time", "type"])
      #expect(Array(keys.suffix(2)) == ["prev", "hash"])
      guard case .string(let time)? = members["time"] else { continue }
      #expect(time.count == 27 && time.hasSuffix("Z"), "time \(time)")
    }
    let decision = try #require(lines.first { $0.contains(#""type":"decision""#) })
    for field in [
      #""request":{"#, #""payload_digest":"#, #""outcome":"#, #""rules":"#, #""candidates":["#,
      #""topology":""#, #""policies":""#, #""estimate":{"#, #""excluded":"#,
    ] {
      #expect(decision.contains(field), "decision record lacks \(field): \(decision)")
    }
    #expect(!decision.contains("frame-"), "the payload itself must never be written")
    let result = try verify(directory)
    #expect(result.isIntact, "\(String(describing: result.problem))")
    #expect(result.headSequence == UInt64(lines.count))
  }

  /// The hash recomputed by an independent implementation (CPython's hashlib.blake2b).
  @Test(arguments: [false, true]) func hashMatchesPythonBlake2b(keyed: Bool) throws {
    guard FileManager.default.isExecutableFile(atPath: python.path) else {
      Issue.record("no Python at \(python.path): run 'scripts/bootstrap.sh --test'")
      return
    }
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let key = keyed ? try AuditKey.generate() : nil
    let keyPath = directory + "/audit.key"
    try key?.write(toFile: keyPath)
    let logDirectory = directory + "/log"
    try writeSampleLog(in: logDirectory, decisions: 8) { $0.key = key }
    let script = """
      import base64, hashlib, glob, sys
      key = b""
      if len(sys.argv) > 2:
          lines = [l.strip() for l in open(sys.argv[2]) if l.strip() and not l.startswith("#")]
          key = base64.b64decode(lines[0])
      prev = "0" * 64
      count = 0
      for path in sorted(glob.glob(sys.argv[1] + "/audit-*.jsonl")):
          for line in open(path, "rb").read().split(b"\\n")[:-1]:
              cut = line.rindex(b',"hash":"')
              digest = hashlib.blake2b(line[:cut] + b"}", digest_size=32, key=key).hexdigest()
              stored = line[cut + 9:-2].decode()
              assert digest == stored, (path, count, digest, stored)
              assert line[cut - 64 - 1 - 9:cut].decode() == ',"prev":"' + prev + '"', count
              prev = stored
              count += 1
      print(count, prev)
      """
    let (status, output, error) = try runProcess(
      python.path, ["-c", script, logDirectory] + (keyed ? [keyPath] : []))
    #expect(status == 0, "python: \(error)")
    let result = try verify(logDirectory, key: key)
    #expect(result.isIntact)
    #expect(output == "\(result.headSequence) \(result.headHash)\n")
  }

  /// An event loop's `writeNow` writes records bound for the open segment, and leaves a segment
  /// change (which syncs the previous segment, waiting on the disk) to the writer thread.
  @Test func writeNowLeavesOpeningASegmentToTheWriterThread() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    // No periodic sync during the test, and the writer takes records by itself only 1.5 s
    // after they came.
    var configuration = AuditConfiguration(
      directory: directory, segmentSize: 16_384, syncInterval: .seconds(3600))
    configuration.writerLinger = .milliseconds(1500)
    let log = try AuditLog(configuration: configuration, topologyHash: "t", policyHash: "p")
    let engine = try demoEngine(recorder: log)
    let first = try #require(try engine.place(sampleRequest(0)).auditSequence)
    try log.waitUntilDurable(first)  // the writer thread opens the first segment
    var writtenByCaller = 0
    var leftToWriter: UInt64?
    // Decision records are about 3.7 KB: a new segment every four or so. A record bound for a
    // new segment is left for the writer thread, and so is every record after it until then.
    for index in 1...20 {
      let sequence = try #require(try engine.place(sampleRequest(index)).auditSequence)
      log.writeNow()
      if log.durableSequence() >= sequence {
        writtenByCaller += 1
      } else if leftToWriter == nil {
        leftToWriter = sequence
      }
    }
    #expect(writtenByCaller > 0)
    let left = try #require(leftToWriter, "every record was written by writeNow")
    try log.waitUntilDurable(left)
    try log.close()
    #expect(try AuditSegments.list(directory).count >= 2)
    #expect(try verify(directory).isIntact)
  }

  @Test func segmentsRotateAndTheChainContinues() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try writeSampleLog(in: directory, decisions: 60) { $0.segmentSize = 8192 }
    let segments = try segmentLines(directory)
    #expect(segments.count >= 3)
    var expected: UInt64 = 1
    for segment in segments {
      let size = try FileManager.default.attributesOfItem(atPath: segment.file)[.size] as? Int
      #expect((size ?? .max) <= 8192)
      for line in segment.lines {
        #expect(sequence(of: line) == expected)
        expected += 1
      }
    }
    #expect(try verify(directory).isIntact)
  }

  @Test func reopeningContinuesTheChainInANewSegment() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let first = try writeSampleLog(in: directory, decisions: 5)
    let second = try writeSampleLog(in: directory, decisions: 5)
    #expect(second.recovery.resumedAfter == first.head.sequence)
    #expect(second.recovery.resumedHash == first.head.hash)
    #expect(second.recovery.segment == "audit-000002.jsonl")
    #expect(second.recovery.tornFile == nil)
    let result = try verify(directory)
    #expect(result.isIntact)
    #expect(result.segments == 2)
    #expect(result.types["start"] == 2 && result.types["stop"] == 2)
  }

  @Test func maskedFieldsAreKeyedDigestsAndNamed() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let key = try AuditKey.generate()
    try writeSampleLog(in: directory, decisions: 4) {
      $0.key = key
      $0.maskedFields = ["request.source"]
    }
    let lines = try segmentLines(directory)[0].lines
    let decisions = lines.filter { $0.contains(#""type":"decision""#) }
    #expect(decisions.count == 4)
    for line in decisions {
      #expect(!line.contains("camera-"))
      #expect(line.contains(#""masked":["request.source"]"#))
      guard case .object(let record) = try JSONReader.parse(line),
        case .object(let request)? = record["request"],
        case .string(let source)? = request["source"]
      else {
        Issue.record("no request.source in \(line)")
        continue
      }
      #expect(source.count == 64)
    }
    #expect(try verify(directory, key: key).isIntact)
    #expect(try verify(directory).problem?.kind == .changed)
    #expect(throws: AuditError.self) {
      _ = try AuditLog(
        configuration: AuditConfiguration(directory: directory, maskedFields: ["request.source"]),
        topologyHash: "", policyHash: "")
    }
  }

  @Test func durableModeCommitsOnDisk() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let digests = try demoDigests()
    let log = try AuditLog(
      configuration: AuditConfiguration(directory: directory, durability: .durable),
      topologyHash: digests.topology, policyHash: digests.policies)
    let engine = try demoEngine(recorder: log)
    let decision = try engine.place(sampleRequest(1))
    let sequence = try #require(decision.auditSequence)
    try log.waitUntilDurable(sequence)
    #expect(log.durableSequence() >= sequence)
    #expect(log.counters.syncedSequence >= sequence)
    let called = Mutex(false)
    let done = DispatchSemaphore(value: 0)
    log.whenDurable(sequence) { error in
      called.withLock { $0 = error == nil }
      done.signal()
    }
    done.wait()
    #expect(called.withLock { $0 })
    try log.recordReload(
      topologyHash: String(repeating: "a", count: 64), policyHash: digests.policies)
    _ = try engine.place(sampleRequest(2))
    try log.close()
    #expect(throws: AuditError.closed) {
      _ = try log.recordReload(topologyHash: "", policyHash: "")
    }
    let lines = try segmentLines(directory)[0].lines
    #expect(lines.contains { $0.contains(#""type":"reload""#) })
    #expect(
      lines.last { $0.contains(#""type":"decision""#) }?.contains(String(repeating: "a", count: 64))
        == true)
    #expect(try verify(directory).isIntact)
  }
}
