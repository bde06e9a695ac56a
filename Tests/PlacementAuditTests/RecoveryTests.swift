import Foundation
import PlacementAudit
import PlacementSealing
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

  /// A log whose chain has passed `Int.max` (an unkeyed log anyone can extend) is continued,
  /// not a crash on open: sequence numbers are written as the unsigned numbers they are.
  @Test func aChainPastIntMaxContinues() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let last = UInt64(Int.max) + 1
    let hashed =
      #"{"seq":\#(last),"time":"2026-11-21T10:00:00.000000Z","type":"reload","topology":"t","#
      + #""policies":"p","prev":"\#(String(repeating: "0", count: 64))"}"#
    let digest = GenericHash(key: nil).hash(hashed)
    let hex = digest.map { String(format: "%02x", $0) }.joined()
    let line = String(hashed.dropLast()) + #","hash":"\#(hex)"}"#
    try writeLines([line], to: directory + "/audit-000001.jsonl")
    let log = try AuditLog(
      configuration: AuditConfiguration(directory: directory), topologyHash: "t",
      policyHash: "p")
    try log.close()
    let lines = try segmentLines(directory).flatMap(\.lines)
    #expect(lines.count == 3)
    #expect(lines.dropFirst().map(sequence(of:)) == [last + 1, last + 2])
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
