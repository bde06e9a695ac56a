#if canImport(Glibc)
  import Glibc
#endif

/// A one-line progress display on standard error, only when it is a terminal.
final class AuditProgress: @unchecked Sendable {
  private let label: String
  private let enabled = isatty(2) == 1
  private var lastPercent = -1

  init(_ label: String) { self.label = label }

  /// Shows `done` of `total` bytes.
  func update(_ done: Int, _ total: Int) {
    guard enabled, total > 0 else { return }
    let percent = done * 100 / total
    guard percent != lastPercent else { return }
    lastPercent = percent
    StandardStream.error.write("\r\(label): \(percent)% of \(total / 1024) KiB")
  }

  /// Clears the line.
  func finish() {
    guard enabled, lastPercent >= 0 else { return }
    StandardStream.error.write("\r\u{1B}[K")
  }
}
