#if canImport(Glibc)
  import Glibc
#endif

/// Timings of many runs of one operation, in nanoseconds, for medians and tails.
struct Samples {
  private(set) var nanoseconds: [Double] = []

  init(capacity: Int) { nanoseconds.reserveCapacity(capacity) }

  mutating func append(_ value: Double) { nanoseconds.append(value) }

  /// The value below which `fraction` of the samples fall (nearest rank).
  func percentile(_ fraction: Double) -> Double {
    guard !nanoseconds.isEmpty else { return .nan }
    let sorted = nanoseconds.sorted()
    let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
  }

  var median: Double { percentile(0.5) }
  var count: Int { nanoseconds.count }

  /// Nanoseconds on the monotonic clock.
  static func now() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
  }

  /// Times `body` once per iteration.
  static func measure(_ iterations: Int, _ body: (Int) throws -> Void) rethrows -> Samples {
    var samples = Samples(capacity: iterations)
    for iteration in 0..<iterations {
      let start = now()
      try body(iteration)
      samples.append(Double(now() - start))
    }
    return samples
  }
}

/// A table printed aligned, the way a person reads benchmark results.
struct ResultTable {
  var header: [String]
  var rows: [[String]] = []

  var text: String {
    let all = [header] + rows
    var widths = Array(repeating: 0, count: header.count)
    for row in all {
      for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
    }
    return all.map { row in
      row.enumerated().map { column, cell in
        column == 0
          ? cell + String(repeating: " ", count: widths[column] - cell.count)
          : String(repeating: " ", count: widths[column] - cell.count) + cell
      }.joined(separator: "  ")
    }.joined(separator: "\n") + "\n"
  }

  /// `value` with `decimals` decimals.
  static func format(_ value: Double, decimals: Int = 2) -> String {
    guard value.isFinite else { return "-" }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = String(rounded)
    if let dot = text.firstIndex(of: ".") {
      let fraction = text[text.index(after: dot)...]
      text += String(repeating: "0", count: max(0, decimals - fraction.count))
    }
    return text
  }
}
