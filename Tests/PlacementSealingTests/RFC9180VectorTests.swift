import Foundation
import Testing

@testable import PlacementSealing

/// RFC 9180 Appendix A.2.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305, base
/// mode. The values are in fixtures/hpke/rfc9180-a2-base.json (see its "source" field); every
/// one is checked through the code envelopes use, with the ephemeral key fixed to the vector's.
struct RFC9180Vector: Decodable {
  struct Encryption: Decodable {
    var sequenceNumber: UInt64
    var pt: String
    var aad: String
    var nonce: String
    var ct: String

    enum CodingKeys: String, CodingKey {
      case pt, aad, nonce, ct
      case sequenceNumber = "sequence_number"
    }
  }
  struct Export: Decodable {
    var exporterContext: String
    var length: Int
    var exportedValue: String

    enum CodingKeys: String, CodingKey {
      case exporterContext = "exporter_context"
      case length = "L"
      case exportedValue = "exported_value"
    }
  }
  var mode: Int
  var kemID: Int
  var kdfID: Int
  var aeadID: Int
  var info: String
  var pkEm: String
  var skEm: String
  var pkRm: String
  var skRm: String
  var enc: String
  var sharedSecret: String
  var keyScheduleContext: String
  var secret: String
  var key: String
  var baseNonce: String
  var exporterSecret: String
  var encryptions: [Encryption]
  var exports: [Export]

  enum CodingKeys: String, CodingKey {
    case mode, info, pkEm, skEm, pkRm, skRm, enc, secret, key, encryptions, exports
    case kemID = "kem_id"
    case kdfID = "kdf_id"
    case aeadID = "aead_id"
    case sharedSecret = "shared_secret"
    case keyScheduleContext = "key_schedule_context"
    case baseNonce = "base_nonce"
    case exporterSecret = "exporter_secret"
  }

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
    #expect(vector.kemID == Int(HPKE.kemID))
    #expect(vector.kdfID == Int(HPKE.kdfID))
    #expect(vector.aeadID == Int(HPKE.aeadID))
    // The RFC's text lists sequence numbers 0, 1, 2, 4, 255 and 256; the JSON it cites lists
    // every one from 0 to 256.
    #expect(vector.encryptions.map(\.sequenceNumber) == Array(0...256))
    #expect(vector.exports.count == 3)
  }

  @Test("key pairs: pk(skEm) == pkEm and pk(skRm) == pkRm")
  func keyPairs() throws {
    let recipient = try PrivateKey(bytes: hex(vector.skRm))
    #expect(recipient.publicKey.bytes == hex(vector.pkRm))
    let ephemeral = try PrivateKey(bytes: hex(vector.skEm))
    #expect(ephemeral.publicKey.bytes == hex(vector.pkEm))
  }

  @Test("sender: enc, sharedSecret, key schedule, all encryptions and exports")
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
    #expect(hexString(sharedSecret) == vector.sharedSecret)
    #expect(trace.map { hexString($0.keyScheduleContext) } == vector.keyScheduleContext)
    #expect(trace.map { hexString($0.secret) } == vector.secret)
    try checkMaterial(context.materialForTests)
    for encryption in vector.encryptions {
      #expect(context.sequenceNumber == encryption.sequenceNumber)
      #expect(hexString(context.nextNonce) == encryption.nonce)
      let ciphertext = try context.seal(hex(encryption.pt), aad: hex(encryption.aad))
      #expect(
        hexString(ciphertext) == encryption.ct, "sequence number \(encryption.sequenceNumber)")
    }
    for export in vector.exports {
      let value = try context.export(
        exporterContext: hex(export.exporterContext), length: export.length)
      #expect(hexString(value) == export.exportedValue)
    }
  }

  @Test("recipient: sharedSecret, key schedule, opens all encryptions, exports")
  func recipient() throws {
    let privateKey = try PrivateKey(bytes: hex(vector.skRm))
    var sharedSecret: [UInt8] = []
    var trace: HPKE.KeyScheduleTrace?
    let material = try hex(vector.enc).withUnsafeBytes { enc in
      try HPKE.infoHash(hex(vector.info)).withUnsafeBytes { infoHash in
        try HPKERecipientContext.setUp(
          encapsulatedKey: enc, recipient: privateKey, infoHash: infoHash,
          trace: {
            sharedSecret = $0
            trace = $1
          })
      }
    }
    #expect(hexString(sharedSecret) == vector.sharedSecret)
    #expect(trace.map { hexString($0.keyScheduleContext) } == vector.keyScheduleContext)
    #expect(trace.map { hexString($0.secret) } == vector.secret)
    try checkMaterial(material)
    // The public initializer gives the same context.
    let context = try HPKERecipientContext(
      encapsulatedKey: hex(vector.enc), recipient: privateKey, info: hex(vector.info))
    for encryption in vector.encryptions {
      let plaintext = try context.open(hex(encryption.ct), aad: hex(encryption.aad))
      #expect(plaintext == hex(encryption.pt), "sequence number \(encryption.sequenceNumber)")
    }
    #expect(context.sequenceNumber == 257)
    for export in vector.exports {
      let value = try context.export(
        exporterContext: hex(export.exporterContext), length: export.length)
      #expect(hexString(value) == export.exportedValue)
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

  /// key, base_nonce, secret, key_schedule_context and the exporter secret derived from them,
  /// against the vector.
  private func checkMaterial(_ material: SecureBytes) throws {
    let bytes = material.unprotectedCopy
    #expect(bytes.count == HPKE.Layout.count)
    #expect(hexString(Array(bytes[HPKE.Layout.key])) == vector.key)
    #expect(hexString(Array(bytes[HPKE.Layout.baseNonce])) == vector.baseNonce)
    #expect(hexString(Array(bytes[HPKE.Layout.secret])) == vector.secret)
    #expect(hexString(Array(bytes[HPKE.Layout.context])) == vector.keyScheduleContext)
    let exporterSecret = [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
      HPKE.exporterSecret(material, into: UnsafeMutableRawBufferPointer(buffer))
      count = 32
    }
    #expect(hexString(exporterSecret) == vector.exporterSecret)
  }
}
