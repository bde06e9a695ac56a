import Testing

@testable import Placement

/// Decision ids and leases are written and read eight digits at a time; these check the word
/// arithmetic against the plain definition, digit by digit.
@Suite struct HexDigitsTests {
  /// The plain definition: 32 lowercase hex digits, the first number then the second.
  static func plainDigits(_ high: UInt64, _ low: UInt64) -> [UInt8] {
    let digits = Array("0123456789abcdef".utf8)
    return (0..<32).map { position in
      let number = position < 16 ? high : low
      return digits[Int((number >> UInt64(60 - (position % 16) * 4)) & 0xF)]
    }
  }

  static let numbers: [UInt64] = [
    0, 1, 0xF, 0x10, 0x9A, 0xFFFF_FFFF, 0x1_0000_0000, 0x0123_4567_89AB_CDEF,
    0xFEDC_BA98_7654_3210, .max, .max - 1, 0x8000_0000_0000_0000, 0x5DE9_2425_D306_A009,
  ]

  @Test(arguments: numbers)
  func writesWhatThePlainDefinitionWrites(number: UInt64) {
    let other = number ^ 0xA5A5_5A5A_0F0F_F0F0
    var written = [UInt8](repeating: 0, count: 32)
    written.withUnsafeMutableBytes { HexDigits.write(number, other, to: $0.baseAddress!) }
    #expect(written == Self.plainDigits(number, other))
    let read = written.withUnsafeBytes { HexDigits.read(from: $0.baseAddress!) }
    #expect(read?.0 == number && read?.1 == other)
  }

  @Test func readsEveryDigitAndRefusesEveryOtherByteAtEveryPosition() {
    let valid = Self.plainDigits(0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210)
    for position in 0..<32 {
      for byte in UInt8.min...UInt8.max {
        var digits = valid
        digits[position] = byte
        let read = digits.withUnsafeBytes { HexDigits.read(from: $0.baseAddress!) }
        let value: UInt64? =
          switch byte {
          case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt64(byte - UInt8(ascii: "0"))
          case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt64(byte - UInt8(ascii: "a") + 10)
          default: nil
          }
        guard let value else {
          #expect(read == nil, "byte \(byte) at \(position)")
          continue
        }
        // The number the plain definition reads: the valid digits with this one replaced.
        let shift = UInt64(60 - (position % 16) * 4)
        var expected = (0x0123_4567_89AB_CDEF as UInt64, 0xFEDC_BA98_7654_3210 as UInt64)
        if position < 16 {
          expected.0 = expected.0 & ~(0xF << shift) | value << shift
        } else {
          expected.1 = expected.1 & ~(0xF << shift) | value << shift
        }
        #expect(read?.0 == expected.0 && read?.1 == expected.1, "byte \(byte) at \(position)")
      }
    }
  }
}
