import Foundation
import Placement
import PlacementSealing
import Testing

/// The engine seals what leaves the site, and the pool's private key opens it (issue 3, item 5).
@Suite struct EngineSealingTests {
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// A copy of a demo key with mode 0600 (git checks files out 0644, which keys refuse).
  static func demoKey(_ pool: String) throws -> PrivateKey {
    let source = root.appendingPathComponent("fixtures/keys/\(pool).key")
    let copy = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID()).key")
    try FileManager.default.copyItem(at: source, to: copy)
    defer { try? FileManager.default.removeItem(at: copy) }
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: copy.path)
    return try PrivateKey.load(fromFile: copy.path)
  }

  @Test func aCloudPlacementCarriesAnEnvelopeOnlyThatPoolOpens() throws {
    let topology = try Topology.load(
      contentsOfFile: Self.root.appendingPathComponent("fixtures/demo-topology.json").path)
    let engine = PlacementEngine(
      topology: topology,
      policies: try PolicySet.load(directory: Self.root.appendingPathComponent("policies").path),
      configuration: EngineConfiguration(seed: 3), sealer: HPKEPayloadSealer())
    let payload = Array("a camera frame".utf8)
    // 50 ms: the edge's 96 ms for detector-xl misses, so the frame leaves the site.
    let decision = try engine.place(
      PlacementRequest(id: "f1", model: "detector-xl", latencyBudgetMs: 50, payload: payload))
    let assignment = try #require(decision.assignment)
    #expect(assignment.tier == .cloud)
    #expect(assignment.sealed)
    let envelope = try #require(assignment.envelope)
    #expect(envelope.count == payload.count + Envelope.overhead)
    let key = try Self.demoKey(assignment.pool)
    #expect(
      try Envelope.open(envelope, with: key, poolID: assignment.pool, aad: decision.id) == payload)
    // Bound to the decision and the pool: another aad or pool does not open it.
    #expect(throws: EnvelopeError.authenticationFailed) {
      try Envelope.open(envelope, with: key, poolID: assignment.pool, aad: "another-decision")
    }
    #expect(throws: EnvelopeError.authenticationFailed) {
      try Envelope.open(envelope, with: key, poolID: "another-pool", aad: decision.id)
    }
    // The public key in the topology is the one the demo key file holds.
    #expect(topology.pools.first { $0.id == assignment.pool }?.publicKey == key.publicKey.bytes)
  }

  @Test func anEdgePlacementIsNotSealed() throws {
    let engine = PlacementEngine(
      topology: try Topology.load(
        contentsOfFile: Self.root.appendingPathComponent("fixtures/demo-topology.json").path),
      policies: try PolicySet.load(directory: Self.root.appendingPathComponent("policies").path),
      sealer: HPKEPayloadSealer())
    let decision = try engine.place(
      PlacementRequest(model: "detector-s", latencyBudgetMs: 80, payload: [1, 2, 3]))
    #expect(decision.assignment?.tier == .edge)
    #expect(decision.assignment?.sealed == false)
    #expect(decision.assignment?.envelope == nil)
  }
}
