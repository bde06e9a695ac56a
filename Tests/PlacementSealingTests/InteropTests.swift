import Foundation
import Testing

@testable import PlacementSealing

/// Envelopes against Python's pyhpke (pinned in scripts/requirements-test.txt), an RFC 9180
/// implementation nobody here wrote, driven by scripts/hpke_interop.py: we seal and pyhpke
/// opens, pyhpke seals and we open, with the envelope's exact info and aad.
@Suite("Interop with pyhpke")
struct InteropTests {
  /// The virtual environment `scripts/bootstrap.sh --test` prepares.
  static let python = packageRoot.appendingPathComponent(".venv/bin/python")
  static let script = packageRoot.appendingPathComponent("scripts/hpke_interop.py")

  /// Non-ASCII on purpose: info and aad are UTF-8 on both sides.
  static let pool = "edge-gw-07/npu-α"
  static let decision = "decision-✓-0042"

  let directory: URL
  let key: PrivateKey
  let keyFile: URL

  init() throws {
    let help =
      "no Python virtual environment at \(Self.python.path): run 'scripts/bootstrap.sh --test'"
      + " (make test does) to install pyhpke for the interop tests"
    try #require(
      FileManager.default.isExecutableFile(atPath: Self.python.path), Comment(rawValue: help))
    directory = try makeTemporaryDirectory()
    key = try PrivateKey.generate()
    keyFile = directory.appendingPathComponent("pool.key")
    try key.write(toFile: keyFile.path)
  }

  @Test("we seal, pyhpke opens", arguments: [0, 1, 1024, 1 << 20])
  func sealHereOpenThere(size: Int) throws {
    defer { try? FileManager.default.removeItem(at: directory) }
    let payload = patternBytes(count: size, seed: UInt64(size) + 1)
    let envelope = try Envelope.seal(
      payload, to: key.publicKey, poolID: Self.pool, aad: Self.decision)
    let result = try run(
      Self.python, [Self.script.path, "open", keyFile.path, Self.pool, Self.decision],
      input: envelope)
    #expect(result.status == 0, "pyhpke could not open our envelope: \(result.error)")
    #expect(result.output == payload)
  }

  @Test("pyhpke seals, we open", arguments: [0, 1, 1024, 1 << 20])
  func sealThereOpenHere(size: Int) throws {
    defer { try? FileManager.default.removeItem(at: directory) }
    let payload = patternBytes(count: size, seed: UInt64(size) + 2)
    let result = try run(
      Self.python, [Self.script.path, "seal", key.publicKey.base64, Self.pool, Self.decision],
      input: payload)
    try #require(result.status == 0, "pyhpke could not seal: \(result.error)")
    #expect(result.output.count == payload.count + Envelope.overhead)
    let opened = try Envelope.open(
      result.output, with: key, poolID: Self.pool, aad: Self.decision)
    #expect(opened == payload)
  }

  @Test("pyhpke refuses our envelope under another pool or aad (it really checks)")
  func pyhpkeChecksInfoAndAAD() throws {
    defer { try? FileManager.default.removeItem(at: directory) }
    let envelope = try Envelope.seal(
      [1, 2, 3], to: key.publicKey, poolID: Self.pool, aad: Self.decision)
    for (pool, aad) in [(Self.pool + "x", Self.decision), (Self.pool, Self.decision + "x")] {
      let result = try run(
        Self.python, [Self.script.path, "open", keyFile.path, pool, aad], input: envelope)
      #expect(result.status == 1, "pool \(pool), aad \(aad): \(result.error)")
      #expect(result.output.isEmpty)
    }
  }
}
