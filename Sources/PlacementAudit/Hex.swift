/// Lowercase hexadecimal, the form hashes take in records.
enum Hex {
  private static let digits = Array("0123456789abcdef".utf8)

  /// Appends the hex of `bytes` to `output`.
  static func append(_ bytes: some Sequence<UInt8>, to output: inout [UInt8]) {
    for byte in bytes {
      output.append(digits[Int(byte >> 4)])
      output.append(digits[Int(byte & 0xF)])
    }
  }

  /// The hex of `bytes`.
  static func string(_ bytes: some Sequence<UInt8>) -> String {
    var output: [UInt8] = []
    append(bytes, to: &output)
    return String(decoding: output, as: UTF8.self)
  }

  /// Whether `bytes` is exactly `count` lowercase hex digits.
  static func isLowercaseHex(_ bytes: some Collection<UInt8>, count: Int) -> Bool {
    bytes.count == count
      && bytes.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
  }

  /// 64 zeros: the `prev` of the very first record.
  static let zeroHash = String(repeating: "0", count: 64)
}
