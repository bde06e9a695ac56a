#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// RFC 3339 UTC timestamps with microseconds (`2026-11-21T10:00:00.123456Z`), as records carry.
public enum AuditTimestamp {
  /// Microseconds since the Unix epoch, now (wall clock).
  public static func nowMicroseconds() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000
  }

  /// Appends the text of `microseconds` (since the epoch) to `output`, without quotes.
  static func append(_ microseconds: Int64, to output: inout [UInt8]) {
    var seconds = time_t(microseconds / 1_000_000)
    let fraction = Int(microseconds % 1_000_000)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func digits(_ value: Int, _ count: Int) {
      var divisor = 1
      for _ in 1..<count { divisor *= 10 }
      var value = value
      while divisor > 0 {
        output.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
        value %= divisor
        divisor /= 10
      }
    }
    digits(Int(parts.tm_year) + 1900, 4)
    output.append(UInt8(ascii: "-"))
    digits(Int(parts.tm_mon) + 1, 2)
    output.append(UInt8(ascii: "-"))
    digits(Int(parts.tm_mday), 2)
    output.append(UInt8(ascii: "T"))
    digits(Int(parts.tm_hour), 2)
    output.append(UInt8(ascii: ":"))
    digits(Int(parts.tm_min), 2)
    output.append(UInt8(ascii: ":"))
    digits(Int(parts.tm_sec), 2)
    output.append(UInt8(ascii: "."))
    digits(fraction, 6)
    output.append(UInt8(ascii: "Z"))
  }

  /// Sets `text`, made by ``append(_:to:)``, to the text of `microseconds`: only the six
  /// digits of the fraction are written when the second is the one `text` already shows (which
  /// `second` remembers), the whole text otherwise.
  static func update(_ text: inout [UInt8], second: inout Int64, to microseconds: Int64) {
    let (seconds, fraction) = microseconds.quotientAndRemainder(dividingBy: 1_000_000)
    guard seconds == second, text.count == 27, fraction >= 0 else {
      text.removeAll(keepingCapacity: true)
      append(microseconds, to: &text)
      second = seconds
      return
    }
    var value = Int(fraction)
    for index in stride(from: 25, through: 20, by: -1) {
      text[index] = UInt8(ascii: "0") + UInt8(value % 10)
      value /= 10
    }
  }

  /// The text of `microseconds` since the epoch.
  public static func format(_ microseconds: Int64) -> String {
    var output: [UInt8] = []
    append(microseconds, to: &output)
    return String(decoding: output, as: UTF8.self)
  }

  /// Parses `2026-11-21T10:00:00.123456Z`, `2026-11-21T10:00:00Z` or `2026-11-21` (midnight UTC)
  /// into microseconds since the epoch; nil when `text` is none of these.
  public static func parse(_ text: String) -> Int64? {
    let bytes = Array(text.utf8)
    func number(_ range: Range<Int>) -> Int? {
      guard range.upperBound <= bytes.count else { return nil }
      var value = 0
      for index in range {
        guard bytes[index] >= 0x30, bytes[index] <= 0x39 else { return nil }
        value = value * 10 + Int(bytes[index] - 0x30)
      }
      return value
    }
    guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
      let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
      (1...12).contains(month), (1...31).contains(day)
    else { return nil }
    var hour = 0
    var minute = 0
    var second = 0
    var micro = 0
    if bytes.count > 10 {
      guard bytes.count >= 20, bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
        bytes[16] == UInt8(ascii: ":"), bytes.last == UInt8(ascii: "Z"),
        let h = number(11..<13), let m = number(14..<16), let s = number(17..<19), h < 24, m < 60,
        s < 61
      else { return nil }
      (hour, minute, second) = (h, m, s)
      if bytes.count > 20 {
        guard bytes[19] == UInt8(ascii: "."), bytes.count <= 27, bytes.count >= 22,
          let fraction = number(20..<(bytes.count - 1))
        else { return nil }
        micro = fraction
        for _ in 0..<(6 - (bytes.count - 21)) { micro *= 10 }
      } else if bytes[19] != UInt8(ascii: "Z") {
        return nil
      }
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    let days = era * 146097 + doe - 719468
    let seconds = Int64(days) * 86400 + Int64(hour * 3600 + minute * 60 + second)
    return seconds * 1_000_000 + Int64(micro)
  }
}
