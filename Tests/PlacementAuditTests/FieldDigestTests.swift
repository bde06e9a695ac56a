import Foundation
import Placement
import Testing

@testable import PlacementAudit
@testable import PlacementSealing

/// A payload (or masked value) a client chose must never be made to carry a valid hash for a
/// forged record: field digests use a key derived for that purpose, not the chain's key.
@Suite struct FieldDigestTests {
  @Test func aPayloadDigestIsNotAChainHashOfTheSameBytes() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let key = try AuditKey.generate()
    let digests = try demoDigests()
    let log = try AuditLog(
      configuration: AuditConfiguration(directory: directory, key: key),
      topologyHash: digests.topology, policyHash: digests.policies)
    let engine = try demoEngine(recorder: log)
    // A payload shaped like a record line, as a forger would send it.
    let payload = Array(
      #"{"seq":3,"time":"2026-11-21T00:00:00.000000Z","type":"stop","prev":"00"}"#.utf8)
    _ = try engine.place(
      PlacementRequest(model: "detector-s", latencyBudgetMs: 80, payload: payload))
    try log.close()
    let line = try #require(
      try segmentLines(directory).flatMap(\.lines).first { $0.contains(#""type":"decision""#) })
    let marker = #""payload_digest":""#
    let start = try #require(line.range(of: marker)).upperBound
    let recorded = String(line[start...].prefix(64))
    try check(recorded, payload: payload, key: key)
  }

  private func check(_ recorded: String, payload: [UInt8], key: AuditKey) throws {
    let chainHash = Hex.string(GenericHash(key: key).hash(payload))
    let fieldHash = Hex.string(
      GenericHash(key: key).derived(for: AuditRecordEncoder.fieldDigestPurpose).hash(payload))
    #expect(recorded != chainHash)
    #expect(recorded == fieldHash)
  }
}
