/// HKDF-SHA256 (RFC 5869) with RFC 9180's labels (section 4):
///
///     LabeledExtract(salt, label, ikm) =
///       Extract(salt, concat("HPKE-v1", suite_id, label, ikm))
///     LabeledExpand(prk, label, info, L) =
///       Expand(prk, concat(I2OSP(L, 2), "HPKE-v1", suite_id, label, info), L)
///
/// The concatenations are fed to HMAC piece by piece, never built in memory. Pure computation:
/// nothing here can fail.
enum LabeledHKDF {
  /// The suite id used inside the KEM: `"KEM" || I2OSP(kem_id, 2)`.
  static let kemSuiteID: [UInt8] = Array("KEM".utf8) + [0x00, 0x20]

  /// The suite id used in the rest of HPKE:
  /// `"HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) || I2OSP(aead_id, 2)`.
  static let hpkeSuiteID: [UInt8] = Array("HPKE".utf8) + [0x00, 0x20, 0x00, 0x01, 0x00, 0x03]

  /// The largest output of Expand: 255 blocks of 32 bytes.
  static let maximumExpandLength = 255 * Sodium.sha256Size

  /// `LabeledExtract(salt, label, ikm)` into `output` (32 bytes).
  static func extract(
    salt: UnsafeRawBufferPointer, suiteID: [UInt8], label: StaticString,
    ikm: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
  ) {
    var hmac = salt.isEmpty ? Sodium.HMAC.emptyKey() : Sodium.HMAC(key: salt)
    hmac.update(utf8: "HPKE-v1")
    hmac.update(suiteID)
    hmac.update(utf8: label)
    hmac.update(ikm)
    hmac.finish(into: output)
  }

  /// `LabeledExpand(prk, label, info, L)` into `output`, whose size is `L` (at most 8160 bytes).
  static func expand(
    prk: UnsafeRawBufferPointer, suiteID: [UInt8], label: StaticString,
    info: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
  ) {
    let keyed = Sodium.HMAC(key: prk)
    expand(keyed: keyed, suiteID: suiteID, label: label, info: info, into: output)
    keyed.discard()
  }

  /// `LabeledExpand` with an HMAC already keyed with the prk, so several expansions from one
  /// prk key it once. `info` is `concat(info, moreInfo)`, so callers need not build it.
  static func expand(
    keyed: borrowing Sodium.HMAC, suiteID: [UInt8], label: StaticString,
    info: UnsafeRawBufferPointer, _ moreInfo: UnsafeRawBufferPointer = .init(start: nil, count: 0),
    into output: UnsafeMutableRawBufferPointer
  ) {
    let length = output.count
    precondition(length <= maximumExpandLength)
    let lengthPrefix = UInt16(length).bigEndian  // I2OSP(L, 2)
    // T(0) = "", T(i) = HMAC(prk, T(i-1) || labeled_info || i); output = T(1) || T(2) || ...
    withUnsafeTemporaryAllocation(byteCount: Sodium.sha256Size, alignment: 16) { block in
      defer { Sodium.wipe(block) }
      var produced = 0
      var counter: UInt8 = 1
      while produced < length {
        var hmac = keyed.copy()
        if counter > 1 { hmac.update(UnsafeRawBufferPointer(block)) }
        withUnsafeBytes(of: lengthPrefix) { hmac.update($0) }
        hmac.update(utf8: "HPKE-v1")
        hmac.update(suiteID)
        hmac.update(utf8: label)
        hmac.update(info)
        hmac.update(moreInfo)
        withUnsafeBytes(of: counter) { hmac.update($0) }
        hmac.finish(into: block)
        let take = min(Sodium.sha256Size, length - produced)
        UnsafeMutableRawBufferPointer(rebasing: output[produced..<(produced + take)])
          .copyMemory(from: UnsafeRawBufferPointer(rebasing: block[..<take]))
        produced += take
        counter &+= 1
      }
    }
  }
}
