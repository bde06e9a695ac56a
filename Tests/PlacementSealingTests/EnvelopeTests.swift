import Placement
import Testing

@testable import PlacementSealing

@Suite("Envelope")
struct EnvelopeTests {
  let key: PrivateKey
  let otherKey: PrivateKey

  init() throws {
    key = try PrivateKey.generate()
    otherKey = try PrivateKey.generate()
  }

  @Test("seals and opens payloads of any size", arguments: [0, 1, 16, 57, 1024, 65_536])
  func roundTrip(size: Int) throws {
    let payload = patternBytes(count: size)
    let envelope = try Envelope.seal(
      payload, to: key.publicKey, poolID: "edge-gw-07", aad: "decision-42")
    #expect(envelope.count == size + Envelope.overhead)
    let opened = try Envelope.open(envelope, with: key, poolID: "edge-gw-07", aad: "decision-42")
    #expect(opened == payload)
  }

  @Test("layout: version, key id, enc = pk(ephemeral), then the HPKE ciphertext of seq 0")
  func layout() throws {
    let vector = try RFC9180Vector.load()
    let recipient = try PrivateKey(bytes: hex(vector.skRm))
    let payload = Array("payload".utf8)
    let envelope = try Envelope.seal(
      payload, to: recipient.publicKey, poolID: "pool-α", aad: "decision-✓",
      ephemeralPrivateKey: hex(vector.skEm))
    #expect(envelope[0] == 0x01)
    // SHA-256(pkRm)[0..<8], computed independently with Python's hashlib.
    #expect(hexString(Array(envelope[1..<9])) == "9e07479c8d8279a4")
    #expect(recipient.publicKey.keyID.description == "9e07479c8d8279a4")
    #expect(Array(envelope[9..<41]) == hex(vector.pkEm))
    // The rest is exactly what an HPKE sender context with our info and aad produces.
    let context = try HPKESenderContext(
      recipient: recipient.publicKey, info: Array("placement/v1 pool-α".utf8),
      ephemeralPrivateKey: hex(vector.skEm))
    #expect(context.encapsulatedKey == hex(vector.pkEm))
    let ciphertext = try context.seal(payload, aad: Array("decision-✓".utf8))
    #expect(Array(envelope[41...]) == ciphertext)
    #expect(try Envelope.keyID(of: envelope) == recipient.publicKey.keyID)
  }

  @Test("each seal uses a fresh ephemeral key")
  func freshEphemeralKey() throws {
    let first = try Envelope.seal([1, 2, 3], to: key.publicKey, poolID: "p", aad: "d")
    let second = try Envelope.seal([1, 2, 3], to: key.publicKey, poolID: "p", aad: "d")
    #expect(first[9..<41] != second[9..<41])
    #expect(first[41...] != second[41...])
  }

  @Test("altering any byte fails with the error for that part, returning nothing")
  func tamperEveryByte() throws {
    let envelope = try Envelope.seal(
      patternBytes(count: 16), to: key.publicKey, poolID: "p", aad: "d")
    for position in envelope.indices {
      var altered = envelope
      altered[position] ^= 0x01
      let expected: EnvelopeError
      switch position {
      case 0:
        expected = .unsupportedVersion(found: 0x00)
      case 1...8:
        let id = altered.withUnsafeBytes { KeyID(bytes: .init(rebasing: $0[1...8])) }
        expected = .keyIDMismatch(envelope: id, key: key.publicKey.keyID)
      default:
        expected = .authenticationFailed
      }
      #expect(throws: expected, "byte \(position)") {
        try Envelope.open(altered, with: key, poolID: "p", aad: "d")
      }
    }
  }

  @Test("a wrong key is reported by key id")
  func wrongKey() throws {
    let envelope = try Envelope.seal([7], to: key.publicKey, poolID: "p", aad: "d")
    #expect(
      throws: EnvelopeError.keyIDMismatch(
        envelope: key.publicKey.keyID, key: otherKey.publicKey.keyID)
    ) {
      try Envelope.open(envelope, with: otherKey, poolID: "p", aad: "d")
    }
  }

  @Test("a wrong key behind a forged key id fails authentication")
  func wrongKeyForgedID() throws {
    var envelope = try Envelope.seal([7], to: key.publicKey, poolID: "p", aad: "d")
    envelope.replaceSubrange(1...8, with: otherKey.publicKey.keyID.bytes)
    #expect(throws: EnvelopeError.authenticationFailed) {
      try Envelope.open(envelope, with: otherKey, poolID: "p", aad: "d")
    }
  }

  @Test("a wrong pool (HPKE info) fails authentication")
  func wrongPool() throws {
    let envelope = try Envelope.seal([7], to: key.publicKey, poolID: "pool-a", aad: "d")
    #expect(throws: EnvelopeError.authenticationFailed) {
      try Envelope.open(envelope, with: key, poolID: "pool-b", aad: "d")
    }
    #expect(throws: EnvelopeError.authenticationFailed) {
      try Envelope.open(envelope, with: key, poolID: "pool-a ", aad: "d")
    }
  }

  @Test("a wrong aad (decision id) fails authentication")
  func wrongAAD() throws {
    let envelope = try Envelope.seal([7], to: key.publicKey, poolID: "p", aad: "decision-1")
    #expect(throws: EnvelopeError.authenticationFailed) {
      try Envelope.open(envelope, with: key, poolID: "p", aad: "decision-2")
    }
    #expect(throws: EnvelopeError.authenticationFailed) {
      try Envelope.open(envelope, with: key, poolID: "p", aad: "")
    }
  }

  @Test("an unknown version is reported before anything else", arguments: [0x00, 0x02, 0xff])
  func wrongVersion(version: UInt8) throws {
    var envelope = try Envelope.seal([7], to: key.publicKey, poolID: "p", aad: "d")
    envelope[0] = version
    // Even with the wrong key: the version is checked first.
    #expect(throws: EnvelopeError.unsupportedVersion(found: version)) {
      try Envelope.open(envelope, with: otherKey, poolID: "p", aad: "d")
    }
    #expect(throws: EnvelopeError.unsupportedVersion(found: version)) {
      try Envelope.open([version], with: key, poolID: "p", aad: "d")
    }
  }

  @Test("a cut-off envelope is reported as truncated", arguments: [0, 1, 5, 9, 40, 41, 56])
  func truncated(length: Int) throws {
    let envelope = try Envelope.seal([], to: key.publicKey, poolID: "p", aad: "d")
    #expect(envelope.count == 57)
    #expect(throws: EnvelopeError.truncated(length: length, minimum: 57)) {
      try Envelope.open(Array(envelope.prefix(length)), with: key, poolID: "p", aad: "d")
    }
  }

  @Test("a longer envelope cut short, or with bytes added, fails authentication")
  func cutOrExtended() throws {
    let envelope = try Envelope.seal(
      patternBytes(count: 100), to: key.publicKey, poolID: "p", aad: "d")
    #expect(throws: EnvelopeError.authenticationFailed) {
      try Envelope.open(Array(envelope.dropLast()), with: key, poolID: "p", aad: "d")
    }
    #expect(throws: EnvelopeError.authenticationFailed) {
      try Envelope.open(envelope + [0], with: key, poolID: "p", aad: "d")
    }
  }

  @Test("a low-order enc (all zeros) fails authentication")
  func lowOrderEnc() throws {
    var envelope = try Envelope.seal([7], to: key.publicKey, poolID: "p", aad: "d")
    envelope.replaceSubrange(9..<41, with: repeatElement(0, count: 32))
    #expect(throws: EnvelopeError.authenticationFailed) {
      try Envelope.open(envelope, with: key, poolID: "p", aad: "d")
    }
  }

  @Test("sealing to a low-order public key is refused")
  func lowOrderPublicKey() throws {
    let zero = try PublicKey(bytes: [UInt8](repeating: 0, count: 32))
    #expect(throws: HPKEError.invalidPublicKey) {
      try Envelope.seal([7], to: zero, poolID: "p", aad: "d")
    }
  }

  @Test("errors say which part is wrong")
  func errorMessages() {
    let a = KeyID(rawValue: 0x0102_0304_0506_0708)
    let b = KeyID(rawValue: 0xa0)
    #expect(EnvelopeError.unsupportedVersion(found: 2).description.contains("version 0x02"))
    #expect(
      EnvelopeError.keyIDMismatch(envelope: a, key: b).description.contains(
        "key id 0102030405060708, but this key's id is 00000000000000a0"))
    #expect(EnvelopeError.truncated(length: 3, minimum: 57).description.contains("3 bytes"))
    #expect(EnvelopeError.authenticationFailed.description.contains("authentication failed"))
  }

  @Test("the engine's sealer seals an envelope bound to the pool and decision id")
  func payloadSealer() throws {
    let sealer: any PayloadSealer = HPKEPayloadSealer()
    let payload = patternBytes(count: 300)
    let envelope = try sealer.seal(
      payload, toPublicKey: key.publicKey.bytes, poolID: "cloud-1", decisionID: "dec-9")
    #expect(try Envelope.open(envelope, with: key, poolID: "cloud-1", aad: "dec-9") == payload)
    #expect(throws: EnvelopeError.authenticationFailed) {
      try Envelope.open(envelope, with: key, poolID: "cloud-1", aad: "dec-8")
    }
    #expect(throws: KeyError.wrongLength(found: 31, expected: 32)) {
      try sealer.seal(
        payload, toPublicKey: Array(repeating: 1, count: 31), poolID: "p", decisionID: "d")
    }
  }

  @Test("the sealer works from many threads at once, across pools")
  func concurrentSealing() async throws {
    let key = self.key
    let results = try await withThrowingTaskGroup(of: Bool.self) { group in
      for task in 0..<32 {
        group.addTask {
          let pool = "pool-\(task % 5)"
          let payload = patternBytes(count: 100 + task, seed: UInt64(task) + 1)
          let envelope = try HPKEPayloadSealer().seal(
            payload, toPublicKey: key.publicKey.bytes, poolID: pool, decisionID: "d\(task)")
          return try Envelope.open(envelope, with: key, poolID: pool, aad: "d\(task)") == payload
        }
      }
      return try await group.reduce(into: []) { $0.append($1) }
    }
    #expect(results.count == 32)
    #expect(results.allSatisfy { $0 })
  }
}
