import Foundation
import PlacementAudit
import Testing

@Suite struct RecoveryTests {
  /// The log cut at every byte offset of its last three records recovers and verifies.
  @Test func truncationSweepOfTheLastThreeRecords() throws {
    let source = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: source) }
    try writeSampleLog(in: source, decisions: 6)
    let segment = try segmentLines(source)[0]
    let bytes = try Data(contentsOf: URL(fileURLWithPath: segment.file))
    let lines = segment.lines
    let keep = lines.dropLast(3).reduce(0) { $0 + $1.utf8.count + 1 }
    var failures: [String] = []
    for cut in keep..<bytes.count {
      let directory = try makeTemporaryDirectory()
      defer { try? FileManager.default.removeItem(atPath: directory) }
      try bytes.prefix(cut).write(to: URL(fileURLWithPath: directory + "/audit-000001.jsonl"))
      let log = try AuditLog(
        configuration: AuditConfiguration(directory: directory), topologyHash: "t",
        policyHash: "p")
      let torn = log.recovery.tornFile != nil
      let boundary = cut == 0 || bytes[cut - 1] == UInt8(ascii: "\n")
      if torn == boundary { failures.append("cut \(cut): torn reported \(torn)") }
      try log.recordReload(topologyHash: "t2", policyHash: "p2")
      try log.close()
      let result = try verify(directory)
      if !result.isIntact { failures.append("cut \(cut): \(result.problem!)") }
      if result.torn.count != (boundary ? 0 : 1) {
        failures.append("cut \(cut): torn \(result.torn)")
      }
    }
    #expect(failures.isEmpty, "\(failures.prefix(5))")
  }

  @Test func aWrongKeyIsRefusedOnOpen() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try writeSampleLog(in: directory, decisions: 2)
    #expect(throws: AuditError.self) {
      _ = try AuditLog(
        configuration: AuditConfiguration(directory: directory, key: try .generate()),
        topologyHash: "t", policyHash: "p")
    }
  }
}
