import PlacementJSON
import PlacementSealing

#if canImport(Glibc)
  import Glibc
#endif

/// Checks an audit directory's hash chain from its files alone (DESIGN.md section 9).
///
/// It reads every segment in order and checks, for each line, that its `hash` matches its text,
/// that `seq` follows the previous record's and that `prev` is the previous record's `hash`. The
/// first failure is reported with its sequence number and `file:line`, classified; a torn last
/// line (a crash mid-write) is told apart from tampering.
public struct AuditVerifier: Sendable {
  /// The directory of segments.
  public var directory: String
  /// The key of a keyed chain; nil for an unkeyed one.
  public var key: AuditKey?
  /// A head seen earlier (`seq`, `hash`) that the log must still hold: detects a log cut back
  /// at a record boundary, which the chain alone cannot.
  public var expectedHead: (sequence: UInt64, hash: String)?
  /// Called with (bytes read, total bytes) as verification proceeds, for progress displays.
  public var progress: (@Sendable (Int, Int) -> Void)?

  /// A verifier for `directory`.
  public init(
    directory: String, key: AuditKey? = nil, expectedHead: (sequence: UInt64, hash: String)? = nil
  ) {
    self.directory = directory
    self.key = key
    self.expectedHead = expectedHead
  }

  /// Verifies the whole log.
  ///
  /// - Throws: ``AuditError`` when the directory or a segment cannot be read (not a verdict).
  public func verify() throws(AuditError) -> AuditVerification {
    let hasher = GenericHash(key: key)
    let segments = try AuditSegments.list(directory)
    var result = AuditVerification()
    guard !segments.isEmpty else {
      result.problem = AuditProblem(
        kind: .missingSegment, sequence: 1,
        file: AuditSegments.path(directory, AuditSegments.name(1)),
        line: 0, detail: "no audit segments (audit-NNNNNN.jsonl) in \(directory)")
      return result
    }
    var expected: UInt64 = 1
    var prevHex = Array(Hex.zeroHash.utf8)
    var seen: [UInt64: (file: String, line: Int)] = [:]
    var previousNumber = 0
    var totalBytes = 0
    var doneBytes = 0
    if progress != nil {
      for segment in segments {
        var status = stat()
        if stat(segment.path, &status) == 0 { totalBytes += Int(status.st_size) }
      }
    }
    var headHashAtExpected: String?
    for (index, segment) in segments.enumerated() {
      let isLast = index == segments.count - 1
      let bytes = try AuditSegments.read(segment.path)
      result.segments += 1
      if segment.number != previousNumber + 1 {
        let missing = AuditSegments.name(previousNumber + 1)
        let firstSequence = bytes.withUnsafeBytes { AuditLog.sequence(of: $0) }
        result.problem = AuditProblem(
          kind: .missingSegment, sequence: expected, file: segment.path, line: 1,
          detail: "segment \(missing)"
            + (segment.number - previousNumber > 2
              ? " to \(AuditSegments.name(segment.number - 1))" : "")
            + " is missing: records from seq \(expected)"
            + (firstSequence.map { " to \($0 - 1)" } ?? "") + " are gone")
        return result
      }
      previousNumber = segment.number
      var lineStart = 0
      var lineNumber = 0
      let problem: AuditProblem? = bytes.withUnsafeBytes { all -> AuditProblem? in
        while lineStart < all.count {
          lineNumber += 1
          guard let newline = all[lineStart...].firstIndex(of: UInt8(ascii: "\n")) else {
            // No newline: a torn line (a crash mid-write) when it is the end of the log, or
            // when the chain goes on unbroken in the next segment (the writer recovered).
            let torn = AuditTorn(
              file: segment.path, line: lineNumber, bytes: all.count - lineStart,
              recovered: !isLast)
            result.torn.append(torn)
            if isLast {
              return AuditProblem(
                kind: .tornTail, sequence: expected, file: segment.path, line: lineNumber,
                detail: "the last line is torn (\(torn.bytes) bytes without a newline): a crash"
                  + " mid-write, not tampering; every record before it verifies, and the writer"
                  + " recovers it on its next start")
            }
            lineStart = all.count
            break
          }
          let line = UnsafeRawBufferPointer(rebasing: all[lineStart..<newline])
          defer { lineStart = newline + 1 }
          let location = (segment.path, lineNumber)
          guard let split = AuditLine.split(line),
            let prevRange = AuditLine.prev(line, hashedEnd: split.hashedEnd),
            let sequence = AuditLog.sequence(of: line)
          else {
            return AuditProblem(
              kind: .changed, sequence: expected, file: location.0, line: location.1,
              detail: "the line is not a well-formed record (it must start with {\"seq\": and end"
                + " with ,\"prev\":\"<64 hex>\",\"hash\":\"<64 hex>\"}): changed")
          }
          let stored = Array(line[split.hash])
          let recomputed = AuditLine.expectedHash(line, hashedEnd: split.hashedEnd, hasher: hasher)
          guard stored == recomputed else {
            var detail = "its hash does not match its content: the record was changed"
            if key != nil,
              AuditLine.expectedHash(
                line, hashedEnd: split.hashedEnd, hasher: GenericHash(key: nil))
                == stored
            {
              detail =
                "its hash is an unkeyed BLAKE2b-256, not keyed with the audit key: the"
                + " record was rewritten by someone without the key"
            } else if key == nil, expected == 1 || result.records == 0 {
              detail += " (or the log is keyed: pass --audit-key FILE)"
            } else if key != nil, result.records == 0 {
              detail += " (or this is not the log's audit key)"
            }
            return AuditProblem(
              kind: .changed, sequence: expected, file: location.0, line: location.1, detail: detail
            )
          }
          guard let object = try? JSONReader.parse(line), case .object(let members) = object,
            members.members.first?.key == "seq", members.members.count >= 5,
            members.members[1].key == "time", members.members[2].key == "type",
            case .string(let type) = members.members[2].value,
            members.repeatedKeys.isEmpty
          else {
            return AuditProblem(
              kind: .changed, sequence: expected, file: location.0, line: location.1,
              detail: "the record is not a JSON object with seq, time and type first: changed")
          }
          if sequence != expected {
            if sequence > expected, type == "gap", case .number(let first)? = members["lost_first"],
              case .number(let last)? = members["lost_last"], UInt64(first) == expected,
              UInt64(last) == sequence - 1, Array(line[prevRange]) == prevHex
            {
              result.gaps.append(
                AuditGap(first: expected, last: sequence - 1, file: location.0, line: location.1))
            } else if sequence > expected {
              // Missing or moved: look ahead in this segment for the record that should be here.
              var ahead = newline + 1
              var aheadLine = lineNumber
              while ahead < all.count, aheadLine - lineNumber < 1000 {
                aheadLine += 1
                let end = all[ahead...].firstIndex(of: UInt8(ascii: "\n")) ?? all.count
                if AuditLog.sequence(of: UnsafeRawBufferPointer(rebasing: all[ahead..<end]))
                  == expected
                {
                  return AuditProblem(
                    kind: .reordered, sequence: expected, file: location.0, line: location.1,
                    detail: "seq \(sequence) is where seq \(expected) should be; seq \(expected)"
                      + " comes later, at line \(aheadLine): records were reordered")
                }
                ahead = end + 1
              }
              let range =
                sequence - 1 > expected
                ? "seq \(expected) to \(sequence - 1) are" : "seq \(expected) is"
              return AuditProblem(
                kind: .removed, sequence: expected, file: location.0, line: location.1,
                detail: "\(range) missing before seq \(sequence): records were removed")
            } else {
              let first = seen[sequence].map { " (first at \($0.file):\($0.line))" } ?? ""
              return AuditProblem(
                kind: .inserted, sequence: sequence, file: location.0, line: location.1,
                detail: "seq \(sequence) appears again where seq \(expected) should be\(first):"
                  + " a record was inserted, or records were reordered")
            }
          } else if Array(line[prevRange]) != prevHex {
            return AuditProblem(
              kind: .changed, sequence: expected, file: location.0, line: location.1,
              detail: "its prev does not match the hash of seq \(expected - 1): a record was"
                + " replaced or inserted here, or one before it was rewritten")
          }
          seen[sequence] = location
          result.records += 1
          result.headSequence = sequence
          prevHex = stored
          result.headHash = String(decoding: stored, as: UTF8.self)
          if let head = expectedHead, head.sequence == sequence {
            headHashAtExpected = result.headHash
          }
          expected = sequence + 1
          result.types[type, default: 0] += 1
        }
        return nil
      }
      doneBytes += bytes.count
      progress?(doneBytes, totalBytes)
      if let problem {
        result.problem = problem
        return result
      }
    }
    if let head = expectedHead {
      if result.headSequence < head.sequence {
        result.problem = AuditProblem(
          kind: .truncated, sequence: result.headSequence + 1,
          file: segments.last!.path, line: 0,
          detail: "the log ends at seq \(result.headSequence) but --expect-head names seq"
            + " \(head.sequence): records were removed from the end")
      } else if headHashAtExpected != head.hash {
        result.problem = AuditProblem(
          kind: .changed, sequence: head.sequence, file: segments.last!.path, line: 0,
          detail: "seq \(head.sequence) has hash \(headHashAtExpected ?? "?"), not the expected"
            + " \(head.hash): the log was rewritten from there on")
      }
    }
    return result
  }
}

/// The verdict on an audit directory.
public struct AuditVerification: Sendable {
  /// The first problem, or nil when the whole chain verifies.
  public var problem: AuditProblem?
  /// Records that verified (before the problem, if any).
  public var records = 0
  /// Segments read.
  public var segments = 0
  /// The last verified record's `seq` (0 when none).
  public var headSequence: UInt64 = 0
  /// The last verified record's `hash`.
  public var headHash = Hex.zeroHash
  /// Torn lines met: a recovered one (the chain goes on in the next segment) is no problem.
  public var torn: [AuditTorn] = []
  /// `gap` records (records lost in `continue` mode), which the chain accounts for.
  public var gaps: [AuditGap] = []
  /// Records by type.
  public var types: [String: Int] = [:]

  /// Whether everything verified.
  public var isIntact: Bool { problem == nil }
}

/// The first thing wrong with a log.
public struct AuditProblem: Sendable, Hashable, CustomStringConvertible {
  /// What kind of problem.
  public enum Kind: String, Sendable, Hashable {
    /// A record's content does not match its hash, or the chain breaks at it.
    case changed
    /// Records are missing.
    case removed
    /// A record appears where an earlier sequence number was due.
    case inserted
    /// Records are out of order.
    case reordered
    /// A whole segment file is missing.
    case missingSegment = "missing_segment"
    /// The last line is incomplete: a crash mid-write, not tampering.
    case tornTail = "torn_tail"
    /// The log ends before the expected head.
    case truncated
  }
  /// What kind of problem.
  public var kind: Kind
  /// The first sequence number that is not as it should be.
  public var sequence: UInt64
  /// The segment file.
  public var file: String
  /// The 1-based line in it (0 when the problem is with the file as a whole).
  public var line: Int
  /// What was found, in words.
  public var detail: String

  /// Whether this is tampering (anything but a torn tail).
  public var isTampering: Bool { kind != .tornTail }

  /// `file:line: seq N: kind: detail`
  public var description: String {
    "\(file):\(line): seq \(sequence): \(kind.rawValue): \(detail)"
  }
}

/// A line without its newline.
public struct AuditTorn: Sendable, Hashable {
  /// The segment.
  public var file: String
  /// The line number.
  public var line: Int
  /// Its length.
  public var bytes: Int
  /// Whether the chain continues after it (a later segment), as the writer's recovery does.
  public var recovered: Bool
}

/// Records lost in `continue` mode, as a `gap` record lists them.
public struct AuditGap: Sendable, Hashable {
  /// The first lost sequence number.
  public var first: UInt64
  /// The last.
  public var last: UInt64
  /// Where the `gap` record is.
  public var file: String
  /// Its line.
  public var line: Int
}
