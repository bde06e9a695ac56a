import Foundation
import PlacementAudit
import PlacementSealing
import Testing

/// Each kind of tampering, on a log written by the real writer, is detected with the right first
/// bad `seq`; a torn tail is reported as such, not as tampering.
@Suite struct TamperTests {
  /// Writes a sample log into a fresh directory: (directory, lines of its only segment).
  private func sampleLog(key: AuditKey? = nil, segmentSize: Int? = nil) throws -> (String, [String])
  {
    let directory = try makeTemporaryDirectory()
    try writeSampleLog(in: directory, decisions: 24) { configuration in
      configuration.key = key
      if let segmentSize { configuration.segmentSize = segmentSize }
    }
    return (directory, try segmentLines(directory)[0].lines)
  }

  @Test func intactLogVerifies() throws {
    let (directory, lines) = try sampleLog()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let result = try verify(directory)
    #expect(result.problem == nil)
    #expect(result.records == lines.count)
  }

  @Test func everyChangedByteOfARecordIsDetectedAtItsSeq() throws {
    let (directory, lines) = try sampleLog()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let file = try segmentLines(directory)[0].file
    let original = Array((lines.map { $0 + "\n" }.joined()).utf8)
    let index = try #require(
      lines.firstIndex { $0.contains(#""type":"decision""#) && $0.contains(#""candidates":[{"#) })
    let start = lines[..<index].reduce(0) { $0 + $1.utf8.count + 1 }
    let length = lines[index].utf8.count + 1  // the newline too
    var missed: [Int] = []
    for offset in start..<(start + length) {
      var bytes = original
      bytes[offset] = bytes[offset] == UInt8(ascii: "X") ? UInt8(ascii: "Y") : UInt8(ascii: "X")
      try Data(bytes).write(to: URL(fileURLWithPath: file))
      let problem = try verify(directory).problem
      if problem?.sequence != UInt64(index + 1) || problem?.isTampering != true
        || problem?.line != index + 1
      {
        missed.append(offset - start)
      }
    }
    #expect(
      missed.isEmpty, "byte offsets in the record not reported at seq \(index + 1): \(missed)")
  }

  @Test func deletedRecord() throws {
    let (directory, lines) = try sampleLog()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var changed = lines
    changed.remove(at: 9)
    try writeLines(changed, to: try segmentLines(directory)[0].file)
    let problem = try #require(try verify(directory).problem)
    #expect(problem.kind == .removed)
    #expect(problem.sequence == 10)
    #expect(problem.line == 10)
  }

  @Test func swappedPair() throws {
    let (directory, lines) = try sampleLog()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var changed = lines
    changed.swapAt(11, 12)
    try writeLines(changed, to: try segmentLines(directory)[0].file)
    let problem = try #require(try verify(directory).problem)
    #expect(problem.kind == .reordered)
    #expect(problem.sequence == 12)
    #expect(problem.line == 12)
  }

  @Test func insertedRecord() throws {
    let (directory, lines) = try sampleLog()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    // The strongest unkeyed forgery: a new record with seq 8, chained to seq 7 and rehashed,
    // inserted before the genuine seq 8.
    let forged = rehashed(lines[7].replacingOccurrences(of: "req-", with: "forged-"), key: nil)
    var changed = lines
    changed.insert(forged, at: 7)
    try writeLines(changed, to: try segmentLines(directory)[0].file)
    let problem = try #require(try verify(directory).problem)
    #expect(problem.kind == .inserted)
    #expect(problem.sequence == 8)
    #expect(problem.line == 9)
    // A plain copy of an earlier record, inserted later.
    var copied = lines
    copied.insert(lines[3], at: 15)
    try writeLines(copied, to: try segmentLines(directory)[0].file)
    let second = try #require(try verify(directory).problem)
    #expect(second.kind == .inserted)
    #expect(second.sequence == 4)
    #expect(second.line == 16)
  }

  @Test func deletedMiddleSegment() throws {
    let (directory, _) = try sampleLog(segmentSize: 8192)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let segments = try segmentLines(directory)
    try #require(segments.count >= 3)
    let firstMissing = sequence(of: segments[1].lines[0])
    try FileManager.default.removeItem(atPath: segments[1].file)
    let problem = try #require(try verify(directory).problem)
    #expect(problem.kind == .missingSegment)
    #expect(problem.sequence == firstMissing)
    #expect(problem.file == segments[2].file)
    #expect(problem.detail.contains("audit-000002.jsonl"))
  }

  @Test func truncatedLastSegmentIsTornNotTampered() throws {
    let (directory, lines) = try sampleLog()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let file = try segmentLines(directory)[0].file
    var text = lines.map { $0 + "\n" }.joined()
    text.removeLast(40)
    try text.write(toFile: file, atomically: false, encoding: .utf8)
    let result = try verify(directory)
    let problem = try #require(result.problem)
    #expect(problem.kind == .tornTail)
    #expect(!problem.isTampering)
    #expect(problem.sequence == UInt64(lines.count))
    #expect(result.headSequence == UInt64(lines.count - 1))
  }

  @Test func keyedChainRejectsARecordRehashedWithoutTheKey() throws {
    let key = try AuditKey.generate()
    let (directory, lines) = try sampleLog(key: key)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    #expect(try verify(directory, key: key).isIntact)
    var changed = lines
    changed[5] = rehashed(lines[5].replacingOccurrences(of: "req-", with: "other-"), key: nil)
    try writeLines(changed, to: try segmentLines(directory)[0].file)
    let problem = try #require(try verify(directory, key: key).problem)
    #expect(problem.kind == .changed)
    #expect(problem.sequence == 6)
    #expect(problem.detail.contains("unkeyed"))
  }

  @Test func expectedHeadCatchesACutAtARecordBoundary() throws {
    let (directory, lines) = try sampleLog()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let head = try verify(directory)
    try writeLines(Array(lines.dropLast(2)), to: try segmentLines(directory)[0].file)
    #expect(try verify(directory).isIntact)
    var verifier = AuditVerifier(directory: directory)
    verifier.expectedHead = (head.headSequence, head.headHash)
    #expect(try verifier.verify().problem?.kind == .truncated)
  }

  /// `line` with its hash recomputed (unkeyed or with `key`), as a forger would.
  private func rehashed(_ line: String, key: AuditKey?) -> String {
    let cut = line.range(of: #","hash":""#, options: .backwards)!.lowerBound
    let body = String(line[..<cut])
    let digest = GenericHash(key: key).hash(body + "}")
    return body + #","hash":""#
      + digest.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }
      .joined() + #""}"#
  }
}
