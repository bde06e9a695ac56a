import PlacementSealing

extension Subcommand {
  /// `placement open --key FILE --pool ID --aad TEXT < envelope > payload`.
  static let open = Subcommand(
    name: "open",
    summary: "open an envelope (stdin) with a pool's private key (payload on stdout)",
    run: runOpen)

  private static let openUsage = """
    usage: placement open --key FILE --pool ID --aad TEXT < envelope > payload

    Opens the envelope on standard input with the pool's private key and writes the payload to
    standard output. Nothing is written unless the envelope is authentic and was sealed for
    this key, pool and aad.

    options:
      --key FILE    the pool's private key file (from 'placement keygen'; mode 0600)
      --pool ID     the pool id the envelope was sealed for
      --aad TEXT    the associated data it was sealed with: the decision id
      --help        show this text

    exit status: 0 opened, 1 the envelope does not open (wrong key, pool or aad, altered,
    truncated), 2 usage or I/O error

    """

  private static func runOpen(_ arguments: [String]) throws -> Int32 {
    let parsed = try CommandArguments(
      arguments, options: ["--key", "--pool", "--aad"], flags: ["--help"])
    if parsed.isSet("--help") {
      StandardStream.output.write(openUsage)
      return 0
    }
    if let extra = parsed.positionals.first {
      throw UsageError(
        "unexpected argument '\(extra)'; the envelope is read from standard input"
          + " (placement open ... < FILE)")
    }
    guard let path = parsed.value("--key"), !path.isEmpty else {
      throw UsageError("--key FILE is required: the pool's private key file")
    }
    guard let pool = parsed.value("--pool"), !pool.isEmpty else {
      throw UsageError("--pool ID is required: the id of the pool the envelope was sealed for")
    }
    guard let aad = parsed.value("--aad") else {
      throw UsageError("--aad TEXT is required: the decision id (use --aad '' for none)")
    }
    let key = try PrivateKey.load(fromFile: path)
    let envelope = try StandardInput.readAll()
    let payload: [UInt8]
    do {
      payload = try Envelope.open(envelope, with: key, poolID: pool, aad: aad)
    } catch {
      StandardStream.error.write("placement open: \(error)\n")
      return 1
    }
    let written = payload.withUnsafeBytes { StandardStream.output.write($0) }
    guard written else {
      StandardStream.error.write("placement open: writing the payload to standard output failed\n")
      return 2
    }
    return 0
  }
}
