/// HPKE (RFC 9180) in base mode for the one suite placement uses:
/// DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / ChaCha20Poly1305, built on libsodium.
///
/// Set up a ``HPKESenderContext`` with the recipient's ``PublicKey`` and send its
/// ``HPKESenderContext/encapsulatedKey`` with the ciphertexts; the recipient sets up an
/// ``HPKERecipientContext`` from that and its ``PrivateKey``. Both sides must use the same
/// `info`, and each message's `aad`, and open messages in the order they were sealed.
/// ``Envelope`` packages a single message this way.
public enum HPKE {
  /// The KEM identifier: DHKEM(X25519, HKDF-SHA256).
  public static let kemID: UInt16 = 0x0020
  /// The KDF identifier: HKDF-SHA256.
  public static let kdfID: UInt16 = 0x0001
  /// The AEAD identifier: ChaCha20Poly1305.
  public static let aeadID: UInt16 = 0x0003
  /// The size of an encapsulated key (`enc`, `Nenc`): an X25519 public key.
  public static let encapsulatedKeySize = 32
  /// The bytes a sealed message adds to its plaintext: the Poly1305 tag (`Nt`).
  public static let tagSize = Sodium.aeadTagSize

  /// The base mode (RFC 9180 section 5.1, `mode_base`).
  static let modeBase: UInt8 = 0x00

  /// Where each value sits in a context's key material. The exporter secret is derived only
  /// when ``export(_:exporterContext:length:)`` asks for it (envelopes never do), from the
  /// `secret` and `key_schedule_context` kept here.
  enum Layout {
    /// The AEAD key (`Nk` = 32 bytes).
    static let key = 0..<32
    /// The base nonce (`Nn` = 12 bytes).
    static let baseNonce = 32..<44
    /// `secret`, the key schedule's PRK (`Nh` = 32 bytes).
    static let secret = 44..<76
    /// `key_schedule_context` (1 + 2 `Nh` = 65 bytes).
    static let context = 76..<141
    /// All of it.
    static let count = 141
  }

  /// What the key schedule computed besides the context's own secrets; tests compare these with
  /// the RFC 9180 vectors.
  struct KeyScheduleTrace {
    /// `key_schedule_context = concat(mode, psk_id_hash, info_hash)`.
    var keyScheduleContext: [UInt8]
    /// `secret = LabeledExtract(shared_secret, "secret", psk)`.
    var secret: [UInt8]
  }

  /// `psk_id_hash = LabeledExtract("", "psk_id_hash", psk_id)` for the base mode's empty
  /// `psk_id`: the same for every context, so computed once.
  static let pskIDHash: [UInt8] = [UInt8](unsafeUninitializedCapacity: Sodium.sha256Size) {
    hash, initialized in
    let empty = UnsafeRawBufferPointer(start: nil, count: 0)
    LabeledHKDF.extract(
      salt: empty, suiteID: LabeledHKDF.hpkeSuiteID, label: "psk_id_hash", ikm: empty,
      into: UnsafeMutableRawBufferPointer(hash))
    initialized = Sodium.sha256Size
  }

  /// `info_hash = LabeledExtract("", "info_hash", info)` into `output` (32 bytes).
  static func infoHash(_ info: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
    LabeledHKDF.extract(
      salt: .init(start: nil, count: 0), suiteID: LabeledHKDF.hpkeSuiteID, label: "info_hash",
      ikm: info, into: output)
  }

  /// `info_hash` of `info`.
  static func infoHash(_ info: [UInt8]) -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: Sodium.sha256Size) { hash, initialized in
      info.withUnsafeBytes { infoHash($0, into: UnsafeMutableRawBufferPointer(hash)) }
      initialized = Sodium.sha256Size
    }
  }

  /// `KeySchedule(mode_base, shared_secret, info, "", "")` (RFC 9180 section 5.1), given
  /// `info_hash` (callers sealing many messages with one `info` compute it once): returns the
  /// key material laid out as in ``Layout``. `trace`, for tests, receives the intermediate values.
  static func keySchedule(
    sharedSecret: UnsafeRawBufferPointer, infoHash: UnsafeRawBufferPointer,
    trace: ((KeyScheduleTrace) -> Void)? = nil
  ) -> SecureBytes {
    precondition(infoHash.count == Sodium.sha256Size)
    let suiteID = LabeledHKDF.hpkeSuiteID
    return SecureBytes(count: Layout.count) { material in
      let context = UnsafeMutableRawBufferPointer(rebasing: material[Layout.context])
      let secret = UnsafeMutableRawBufferPointer(rebasing: material[Layout.secret])
      // key_schedule_context = concat(mode, psk_id_hash, info_hash)
      context[0] = modeBase
      pskIDHash.withUnsafeBytes {
        UnsafeMutableRawBufferPointer(rebasing: context[1..<33]).copyMemory(from: $0)
      }
      UnsafeMutableRawBufferPointer(rebasing: context[33..<65]).copyMemory(from: infoHash)
      // secret = LabeledExtract(shared_secret, "secret", psk)
      LabeledHKDF.extract(
        salt: sharedSecret, suiteID: suiteID, label: "secret", ikm: .init(start: nil, count: 0),
        into: secret)
      let info = UnsafeRawBufferPointer(context)
      if let trace {
        trace(KeyScheduleTrace(keyScheduleContext: [UInt8](info), secret: [UInt8](secret)))
      }
      let prk = Sodium.HMAC(key: UnsafeRawBufferPointer(secret))
      LabeledHKDF.expand(
        keyed: prk, suiteID: suiteID, label: "key", info: info,
        into: UnsafeMutableRawBufferPointer(rebasing: material[Layout.key]))
      LabeledHKDF.expand(
        keyed: prk, suiteID: suiteID, label: "base_nonce", info: info,
        into: UnsafeMutableRawBufferPointer(rebasing: material[Layout.baseNonce]))
      prk.discard()
    }
  }

  /// `exporter_secret = LabeledExpand(secret, "exp", key_schedule_context, Nh)`, written to
  /// `output` (32 bytes).
  static func exporterSecret(_ material: SecureBytes, into output: UnsafeMutableRawBufferPointer) {
    material.withUnsafeBytes { bytes in
      LabeledHKDF.expand(
        prk: UnsafeRawBufferPointer(rebasing: bytes[Layout.secret]),
        suiteID: LabeledHKDF.hpkeSuiteID, label: "exp",
        info: UnsafeRawBufferPointer(rebasing: bytes[Layout.context]), into: output)
    }
  }

  /// Calls `body` with the AEAD key and the nonce of message `sequenceNumber`:
  /// `xor(base_nonce, I2OSP(seq, Nn))` (RFC 9180 section 5.2).
  static func withKeyAndNonce<R>(
    _ material: SecureBytes, sequenceNumber: UInt64,
    _ body: (_ key: UnsafeRawBufferPointer, _ nonce: UnsafeRawBufferPointer) throws(HPKEError) -> R
  ) throws(HPKEError) -> R {
    try material.withUnsafeBytes { (bytes) throws(HPKEError) -> R in
      try withUnsafeTemporaryAllocation(byteCount: Sodium.aeadNonceSize, alignment: 16) {
        (nonce) throws(HPKEError) -> R in
        nonce.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[Layout.baseNonce]))
        // The sequence number is at most 64 bits: its big-endian bytes meet the last 8 of 12.
        withUnsafeBytes(of: sequenceNumber.bigEndian) { sequence in
          for index in 0..<8 { nonce[4 + index] ^= sequence[index] }
        }
        return try body(
          UnsafeRawBufferPointer(rebasing: bytes[Layout.key]), UnsafeRawBufferPointer(nonce))
      }
    }
  }

  /// `Context.Export(exporter_context, L)` (RFC 9180 section 5.3):
  /// `LabeledExpand(exporter_secret, "sec", exporter_context, L)`.
  static func export(_ material: SecureBytes, exporterContext: [UInt8], length: Int)
    throws(HPKEError) -> [UInt8]
  {
    guard length >= 0, length <= LabeledHKDF.maximumExpandLength else {
      throw .exportLengthTooLarge(requested: length, maximum: LabeledHKDF.maximumExpandLength)
    }
    return withUnsafeTemporaryAllocation(byteCount: Sodium.sha256Size, alignment: 16) {
      exporterSecret in
      defer { Sodium.wipe(exporterSecret) }
      HPKE.exporterSecret(material, into: exporterSecret)
      return exporterContext.withUnsafeBytes { context in
        [UInt8](byteCount: length) { destination in
          LabeledHKDF.expand(
            prk: UnsafeRawBufferPointer(exporterSecret), suiteID: LabeledHKDF.hpkeSuiteID,
            label: "sec", info: context, into: destination)
        }
      }
    }
  }
}
