import PlacementSealing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

extension Subcommand {
  /// `placement seal --public-key B64 --pool ID --aad TEXT < payload > envelope`.
  static let seal = Subcommand(
    name: "seal",
    summary: "seal standard input for a pool (HPKE envelope on stdout)",
    run: runSeal)

  private static let sealUsage = """
    usage: placement seal --public-key B64 --pool ID --aad TEXT < payload > envelope

    Seals the payload on standard input for a pool and writes the envelope (binary,
    DESIGN.md section 8) to standard output, as the engine does for a decision.

    options:
      --public-key B64   the pool's public key, base64 (its public_key in the topology)
      --pool ID          the pool id; binds the envelope to it (HPKE info)
      --aad TEXT         the associated data: the decision id (may be empty, but must be given)
      --help             show this text

    exit status: 0 sealed, 2 usage or I/O error

    """

  private static func runSeal(_ arguments: [String]) throws -> Int32 {
    let parsed = try CommandArguments(
      arguments, options: ["--public-key", "--pool", "--aad"], flags: ["--help"])
    if parsed.isSet("--help") {
      StandardStream.output.write(sealUsage)
      return 0
    }
    if let extra = parsed.positionals.first {
      throw UsageError(
        "unexpected argument '\(extra)'; the payload is read from standard input"
          + " (placement seal ... < FILE)")
    }
    guard let keyText = parsed.value("--public-key") else {
      throw UsageError("--public-key B64 is required: the pool's public_key from the topology")
    }
    guard let pool = parsed.value("--pool"), !pool.isEmpty else {
      throw UsageError("--pool ID is required: the id of the pool the envelope is for")
    }
    guard let aad = parsed.value("--aad") else {
      throw UsageError("--aad TEXT is required: the decision id (use --aad '' for none)")
    }
    let publicKey: PublicKey
    do {
      publicKey = try PublicKey(base64: keyText)
    } catch {
      throw UsageError("--public-key: \(error)")
    }
    if isatty(1) != 0 {
      throw UsageError(
        "refusing to write a binary envelope to a terminal; redirect standard output"
          + " (placement seal ... > FILE)")
    }
    let payload = try StandardInput.readAll()
    let envelope = try Envelope.seal(payload, to: publicKey, poolID: pool, aad: aad)
    let written = envelope.withUnsafeBytes { StandardStream.output.write($0) }
    guard written else {
      StandardStream.error.write("placement seal: writing the envelope to standard output failed\n")
      return 2
    }
    return 0
  }
}
