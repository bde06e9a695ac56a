import PlacementJSON

#if canImport(Glibc)
  import Glibc
#endif

/// Reads the records of an audit directory in order, parsed, for the query, stats and replay
/// tools. It does not verify the chain (``AuditVerifier`` does); lines that are not records (a
/// torn line) are skipped.
package struct AuditReader {
  /// One parsed record.
  package struct Record {
    /// The record's members.
    package var object: JSONObject
    /// Its line's text.
    package var line: Substring
    /// The segment and line number.
    package var file: String
    package var lineNumber: Int

    /// A string member.
    package func string(_ key: String) -> String? {
      if case .string(let value)? = object[key] { return value }
      return nil
    }

    /// A number member.
    package func number(_ key: String) -> Double? {
      if case .number(let value)? = object[key] { return value }
      return nil
    }
  }

  /// The directory of segments.
  package var directory: String
  /// Called with (bytes read, total bytes) after each segment.
  package var progress: ((Int, Int) -> Void)?

  package init(directory: String) { self.directory = directory }

  /// Calls `body` with every record, in order; `body` returns false to stop early.
  package func visit(_ body: (Record) throws -> Bool) throws {
    let segments = try AuditSegments.list(directory)
    var total = 0
    var done = 0
    for segment in segments {
      var status = stat()
      if stat(segment.path, &status) == 0 { total += Int(status.st_size) }
    }
    for segment in segments {
      let text = String(decoding: try AuditSegments.read(segment.path), as: UTF8.self)
      var lineNumber = 0
      for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        lineNumber += 1
        guard line.hasSuffix("}"), let value = try? JSONReader.parse(Array(line.utf8)),
          case .object(let object) = value
        else { continue }
        if !(try body(
          Record(object: object, line: line, file: segment.path, lineNumber: lineNumber)))
        {
          return
        }
      }
      done += text.utf8.count
      progress?(done, total)
    }
  }
}
