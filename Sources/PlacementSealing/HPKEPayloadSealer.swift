public import Placement

/// The engine's ``PayloadSealer``: seals a payload into an ``Envelope`` for the chosen pool,
/// with the pool id as HPKE info and the decision id as associated data (DESIGN.md section 8).
public struct HPKEPayloadSealer: PayloadSealer {
  /// A sealer; it keeps no state.
  public init() {}

  /// The envelope of `payload` for the pool key `publicKey` (32 raw bytes). Throws
  /// ``KeyError/wrongLength(found:expected:)`` for a key of the wrong size and
  /// ``HPKEError/invalidPublicKey`` for an unusable one.
  public func seal(
    _ payload: [UInt8], toPublicKey publicKey: [UInt8], poolID: String, decisionID: String
  ) throws -> [UInt8] {
    try Envelope.seal(
      payload, to: PublicKey(bytes: publicKey), poolID: poolID, aad: decisionID)
  }
}
