/// Seals a request's payload for the pool a decision chose.
///
/// The engine calls it when an `encrypt` rule holds for the chosen endpoint and the request
/// carries a payload. `PlacementSealing` provides the HPKE (RFC 9180) implementation; an embedder
/// may supply another.
public protocol PayloadSealer: Sendable {
  /// Returns the envelope of `payload` sealed to `publicKey`, bound to `poolID` (HPKE info) and
  /// `decisionID` (associated data).
  func seal(
    _ payload: [UInt8], toPublicKey publicKey: [UInt8], poolID: String, decisionID: String
  ) throws -> [UInt8]
}
