import Foundation
import Testing

@testable import PlacementSealing

/// RFC 9180 Appendix A.2.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305, base
/// mode. The values are in fixtures/hpke/rfc9180-a2-base.json (see its "source" field); every
/// one is checked through the code envelopes use, with the ephemeral key fixed to the vector's.
struct RFC9180Vector: Decodable {
  struct Encryption: Decodable {
    var sequence_number: UInt64
    var pt: String
    var aad: String
    var nonce: String
    var ct: String
  }
  struct Export: Decodable {
    var exporter_context: String
    var L: Int
    var exported_value: String
  }
  var mode: Int
  var kem_id: Int
  var kdf_id: Int
  var aead_id: Int
  var info: String
  var pkEm: String
  var skEm: String
  var pkRm: String
  var skRm: String
  var enc: String
  var shared_secret: String
  var key_schedule_context: String
  var secret: String
  var key: String
  var base_nonce: String
  var exporter_secret: String
  var encryptions: [Encryption]
  var exports: [Export]

  static func load() throws -> RFC9180Vector {
    let url = packageRoot.appendingPathComponent("fixtures/hpke/rfc9180-a2-base.json")
    return try JSONDecoder().decode(RFC9180Vector.self, from: Data(contentsOf: url))
  }
}

@Suite("RFC 9180 A.2.1 test vector")
struct RFC9180VectorTests {
  let vector: RFC9180Vector

  init() throws {
    vector = try RFC9180Vector.load()
  }

  @Test("the fixture is the suite and mode under test, with all its encryptions")
  func fixtureDescribesThisSuite() {
    #expect(vector.mode == 0)
    #expect(vector.kem_id == Int(HPKE.kemID))
    #expect(vector.kdf_id == Int(HPKE.kdfID))
    #expect(vector.aead_id == Int(HPKE.aeadID))
    // The RFC's text lists sequence numbers 0, 1, 2, 4, 255 and 256; the JSON it cites lists
    // every one from 0 to 256.
    #expect(vector.encryptions.map(\.sequence_number) == Array(0...256))
    #expect(vector.exports.count == 3)
  }

  @Test("key pairs: pk(skEm) == pkEm and pk(skRm) == pkRm")
  func keyPairs() throws {
    let recipient = try PrivateKey(bytes: hex(vector.skRm))
    #expect(recipient.publicKey.bytes == hex(vector.pkRm))
    let ephemeral = try PrivateKey(bytes: hex(vector.skEm))
    #expect(ephemeral.publicKey.bytes == hex(vector.pkEm))
  }

  @Test("sender: enc, shared_secret, key schedule, all encryptions and exports")
  func sender() throws {
    let recipient = try PublicKey(bytes: hex(vector.pkRm))
    var sharedSecret: [UInt8] = []
    var trace: HPKE.KeyScheduleTrace?
    let context = try HPKESenderContext(
      recipient: recipient, info: hex(vector.info), ephemeralPrivateKey: hex(vector.skEm),
      trace: {
        sharedSecret = $0
        trace = $1
      })
    #expect(context.encapsulatedKey == hex(vector.enc))
    #expect(hexString(sharedSecret) == vector.shared_secret)
    #expect(trace.map { hexString($0.keyScheduleContext) } == vector.key_schedule_context)
    #expect(trace.map { hexString($0.secret) } == vector.secret)
    try checkMaterial(context.materialForTests)
    for encryption in vector.encryptions {
      #expect(context.sequenceNumber == encryption.sequence_number)
      #expect(hexString(context.nextNonce) == encryption.nonce)
      let ciphertext = try context.seal(hex(encryption.pt), aad: hex(encryption.aad))
      #expect(
        hexString(ciphertext) == encryption.ct, "sequence number \(encryption.sequence_number)")
    }
    for export in vector.exports {
      let value = try context.export(
        exporterContext: hex(export.exporter_context), length: export.L)
      #expect(hexString(value) == export.exported_value)
    }
  }

  @Test("recipient: shared_secret, key schedule, opens all encryptions, exports")
  func recipient() throws {
    let privateKey = try PrivateKey(bytes: hex(vector.skRm))
    var sharedSecret: [UInt8] = []
    var trace: HPKE.KeyScheduleTrace?
    let material = try hex(vector.enc).withUnsafeBytes { enc in
      try hex(vector.info).withUnsafeBytes { info in
        try HPKERecipientContext.setUp(
          encapsulatedKey: enc, recipient: privateKey, info: info,
          trace: {
            sharedSecret = $0
            trace = $1
          })
      }
    }
    #expect(hexString(sharedSecret) == vector.shared_secret)
    #expect(trace.map { hexString($0.keyScheduleContext) } == vector.key_schedule_context)
    #expect(trace.map { hexString($0.secret) } == vector.secret)
    try checkMaterial(material.unprotectedCopy)
    // The public initializer gives the same context.
    let context = try HPKERecipientContext(
      encapsulatedKey: hex(vector.enc), recipient: privateKey, info: hex(vector.info))
    for encryption in vector.encryptions {
      let plaintext = try context.open(hex(encryption.ct), aad: hex(encryption.aad))
      #expect(plaintext == hex(encryption.pt), "sequence number \(encryption.sequence_number)")
    }
    #expect(context.sequenceNumber == 257)
    for export in vector.exports {
      let value = try context.export(
        exporterContext: hex(export.exporter_context), length: export.L)
      #expect(hexString(value) == export.exported_value)
    }
  }

  @Test("a message opened out of order fails and does not advance the context")
  func outOfOrder() throws {
    let privateKey = try PrivateKey(bytes: hex(vector.skRm))
    let context = try HPKERecipientContext(
      encapsulatedKey: hex(vector.enc), recipient: privateKey, info: hex(vector.info))
    let second = vector.encryptions[1]
    #expect(throws: HPKEError.openFailed) {
      try context.open(hex(second.ct), aad: hex(second.aad))
    }
    #expect(context.sequenceNumber == 0)
    let first = vector.encryptions[0]
    #expect(try context.open(hex(first.ct), aad: hex(first.aad)) == hex(first.pt))
  }

  /// key || base_nonce || exporter_secret against the vector.
  private func checkMaterial(_ material: [UInt8]) throws {
    #expect(material.count == HPKE.Layout.count)
    #expect(hexString(Array(material[HPKE.Layout.key])) == vector.key)
    #expect(hexString(Array(material[HPKE.Layout.baseNonce])) == vector.base_nonce)
    #expect(hexString(Array(material[HPKE.Layout.exporterSecret])) == vector.exporter_secret)
  }
}
