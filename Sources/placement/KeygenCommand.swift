import PlacementSealing

extension Subcommand {
  /// `placement keygen --out FILE [--force]`: a new pool key pair.
  static let keygen = Subcommand(
    name: "keygen",
    summary: "create a pool key pair: private key file, public key on stdout",
    run: runKeygen)

  private static let keygenUsage = """
    usage: placement keygen --out FILE [--force]

    Creates an X25519 key pair for a pool (HPKE, DESIGN.md section 8). Writes the private key
    to FILE, readable and writable only by you (mode 0600), and prints the public key in base64
    on standard output: put it in the topology as the pool's public_key.

    options:
      --out FILE   where to write the private key (required)
      --force      replace FILE if it exists (its old key is lost: envelopes sealed to it can
                   no longer be opened)
      --help       show this text

    """

  private static func runKeygen(_ arguments: [String]) throws -> Int32 {
    let parsed = try CommandArguments(arguments, options: ["--out"], flags: ["--force", "--help"])
    if parsed.isSet("--help") {
      StandardStream.output.write(keygenUsage)
      return 0
    }
    if let extra = parsed.positionals.first {
      throw UsageError("unexpected argument '\(extra)'; run 'placement keygen --help'")
    }
    guard let path = parsed.value("--out"), !path.isEmpty else {
      throw UsageError(
        "--out FILE is required: where to write the private key (e.g. --out pool-a.key)")
    }
    let key = try PrivateKey.generate()
    try key.write(toFile: path, overwrite: parsed.isSet("--force"))
    StandardStream.output.write(key.publicKey.base64 + "\n")
    StandardStream.error.write(
      "placement keygen: wrote the private key to \(path) (mode 0600: only you can read it)\n"
        + "placement keygen: put the public key above in the topology as this pool's"
        + " public_key\n")
    return 0
  }
}
