import PlacementSealing

/// Sealing and opening envelopes beside raw libsodium on the same sizes, in the same run
/// (issue 3): throughput against ChaCha20-Poly1305 alone, and at small sizes the cost against
/// the two X25519 operations plus the AEAD that HPKE cannot avoid.
struct SealingBenchmark {
  var sizes = [1024, 65536, 1 << 20]

  func run() throws -> String {
    let key = try PrivateKey.generate()
    let aad = Array("5f3a9c2e7b1d4e600000000000000001".utf8)
    let scalar = [UInt8](repeating: 0x77, count: 32)
    var table = ResultTable(header: [
      "payload", "raw AEAD p50 µs", "seal p50 µs", "open p50 µs", "seal/AEAD throughput",
      "open/AEAD throughput", "seal/(2 X25519 + AEAD)",
    ])
    let x25519 = try Samples.measure(3000) { _ in
      try SodiumBaseline.twoX25519(scalar: scalar, point: key.publicKey.bytes)
    }.median
    for size in sizes {
      let payload = [UInt8](repeating: 0xAB, count: size)
      let iterations = size >= 1 << 20 ? 200 : size >= 65536 ? 2000 : 20000
      var output = [UInt8](repeating: 0, count: size + 16)
      // Interleave the three so that machine noise hits them alike.
      var raw = Samples(capacity: iterations)
      var seal = Samples(capacity: iterations)
      var open = Samples(capacity: iterations)
      let envelope = try Envelope.seal(payload, to: key.publicKey, poolID: "eu-west-h100", aad: "d")
      for _ in 0..<iterations {
        var start = Samples.now()
        try SodiumBaseline.aeadSeal(payload, aad: aad, into: &output)
        raw.append(Double(Samples.now() - start))
        start = Samples.now()
        _ = try Envelope.seal(payload, to: key.publicKey, poolID: "eu-west-h100", aad: "d")
        seal.append(Double(Samples.now() - start))
        start = Samples.now()
        _ = try Envelope.open(envelope, with: key, poolID: "eu-west-h100", aad: "d")
        open.append(Double(Samples.now() - start))
      }
      table.rows.append([
        size >= 1 << 20 ? "\(size >> 20) MiB" : "\(size >> 10) KiB",
        ResultTable.format(raw.median / 1000), ResultTable.format(seal.median / 1000),
        ResultTable.format(open.median / 1000),
        ResultTable.format(raw.median / seal.median), ResultTable.format(raw.median / open.median),
        ResultTable.format(seal.median / (x25519 + raw.median)),
      ])
    }
    return "sealing (HPKE envelope) beside raw libsodium, medians\n" + table.text
      + "two X25519 operations: \(ResultTable.format(x25519 / 1000)) µs p50\n"
  }
}
