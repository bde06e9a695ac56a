import Placement
import PlacementJSON
import Testing

@testable import PlacementServer

/// The scanner is a shortcut: whatever it accepts, the general path (JSONReader, then
/// WireRequest.decode) must decode to the same request and id; whatever else, it must leave to
/// the general path, which then gives the exact answer or error.
@Suite struct WireRequestScannerTests {
  static let lines = [
    #"{"op":"place","model":"detector-s","latency_budget_ms":80,"payload_bytes":250000,"tags":["pii"],"source":"cam-17"}"#,
    #"{"op":"explain","id":"r-1","model":"llm-8b","latency_budget_ms":2000.5,"payload_bytes":4000}"#,
    #" { "id" : "r-2" , "tags" : [ "pii" , "eu-only", "pii" ] , "model" : "asr-small", "latency_budget_ms" : 1e2, "priority" : "critical" } "#,
    #"{"op":"place","model":"anomaly-lstm","latency_budget_ms":0.25,"priority":"sheddable","tags":[],"op2":1}"#,
    #"{"op":"place","model":"detector-xl","latency_budget_ms":60,"payload_bytes":300000,"tags":["restricted"],"priority":"standard","source":""}"#,
    #"{"op":"complete","lease":"1799e222bfd4409b0000000000000001","observed_ms":28}"#,
    #"{"op":"complete","id":"c-9","lease":"x","observed_ms":-0,"status":"timeout"}"#,
    #"{"op":"complete","lease":"abc","observed_ms":12.75E-1,"status":"error"}"#,
  ]

  /// The general path's reading of `line`: the request and the id it echoes, or nil where it
  /// answers with an error.
  static func generalDecode(_ line: [UInt8]) -> (request: WireRequest, id: String?)? {
    guard let value = try? JSONReader.parse(line),
      let request = try? WireRequest.decode(value)
    else { return nil }
    guard case .object(let object) = value else { return nil }
    if case .string(let id)? = object["id"] { return (request, id) }
    return (request, nil)
  }

  @Test func readsTheCommonShapesAsTheGeneralPathDoes() throws {
    // Lines 2 (no op) and 3 (unknown key) are for the general path; the rest are common.
    for (index, line) in Self.lines.enumerated() {
      let bytes = Array(line.utf8)
      let fast = WireRequestScanner.decode(bytes)
      if index == 2 || index == 3 {
        #expect(fast == nil, "line \(index)")
        continue
      }
      let scanned = try #require(fast, "line \(index)")
      let general = try #require(Self.generalDecode(bytes), "line \(index)")
      #expect(scanned.request == general.request, "line \(index)")
      #expect(scanned.id == general.id, "line \(index)")
    }
  }

  @Test func leavesEscapesNonASCIIAndPayloadsToTheGeneralPath() {
    for line in [
      #"{"op":"place","model":"detector-s","latency_budget_ms":80,"source":"cam\u002d17"}"#,
      #"{"op":"place","model":"détecteur","latency_budget_ms":80}"#,
      #"{"op":"place","model":"detector-s","latency_budget_ms":80,"payload":"AAEC"}"#,
      #"{"op":"place","model":"detector-s","latency_budget_ms":80,"model":"llm-8b"}"#,
      #"{"op":"place","model":"detector-s","latency_budget_ms":0}"#,
      #"{"op":"place","model":"detector-s","latency_budget_ms":80,"payload_bytes":1.5}"#,
      #"{"op":"place","model":"detector-s","latency_budget_ms":80,"priority":"urgent"}"#,
      #"{"op":"complete","lease":"","observed_ms":3}"#,
      #"{"op":"complete","lease":"a","observed_ms":3,"model":"x"}"#,
      #"{"op":"ping"}"#,
      #"{"op":"place","model":"detector-s","latency_budget_ms":080}"#,
      #"{"op":"place","model":"detector-s","latency_budget_ms":80} x"#,
    ] {
      #expect(WireRequestScanner.decode(Array(line.utf8)) == nil, "\(line)")
    }
  }

  /// Strings are scanned eight bytes at a time: a byte that is not plain ASCII (a control
  /// character, `"`, `\`, or from 0x80 up), wherever it falls in a word or after one, sends
  /// the line to the general path; a plain one anywhere is read.
  @Test func findsEveryByteThatIsNotPlainAtEveryPosition() throws {
    for length in [8, 15, 16, 17, 24] {
      for position in 0..<length {
        for byte in UInt8.min...UInt8.max {
          var model = Array(repeating: UInt8(ascii: "m"), count: length)
          model[position] = byte
          let line =
            Array(#"{"op":"place","model":""#.utf8) + model
            + Array(#"","latency_budget_ms":80}"#.utf8)
          let scanned = WireRequestScanner.decode(line)
          let plain = byte >= 0x20 && byte < 0x80 && byte != 0x22 && byte != 0x5C
          guard plain else {
            #expect(scanned == nil, "byte \(byte) at \(position) of \(length)")
            continue
          }
          guard case .place(let request) = scanned?.request else {
            Issue.record("byte \(byte) at \(position) of \(length) was not read")
            continue
          }
          #expect(Array(request.model.utf8) == model)
        }
      }
    }
  }

  /// The model, source and tags of the last lines are reused only when their bytes are the
  /// same: a longer tag list, another model or source that shares a prefix, reads anew.
  @Test func reusesRecentValuesOnlyForTheSameBytes() throws {
    var recent = WireRequestScanner.Recent()
    let lines = [
      #"{"op":"place","model":"detector-s","latency_budget_ms":80,"tags":["pii"],"source":"cam-1"}"#,
      #"{"op":"place","model":"detector-s","latency_budget_ms":80,"tags":["pii"],"source":"cam-1"}"#,
      #"{"op":"place","model":"detector-sx","latency_budget_ms":80,"tags":["pii","eu-only"],"source":"cam-12"}"#,
      #"{"op":"place","model":"detector","latency_budget_ms":80,"tags":["pi"],"source":"cam-"}"#,
      #"{"op":"place","model":"detector","latency_budget_ms":80,"tags":[],"source":""}"#,
      #"{"op":"place","model":"detector","latency_budget_ms":80,"tags":["pii"],"source":"cam-1"}"#,
      #"{"op":"place","model":"detector","latency_budget_ms":80,"tags":["pii"]  ,"source":"cam-1"}"#,
    ]
    for line in lines {
      let bytes = Array(line.utf8)
      let reused = try #require(WireRequestScanner.decode(bytes, reusing: &recent), "\(line)")
      let general = try #require(Self.generalDecode(bytes), "\(line)")
      #expect(reused.request == general.request, "\(line)")
    }
  }

  /// Mutated lines (bytes deleted, repeated, inserted or swapped): the scanner either leaves
  /// the line alone or agrees with the general path exactly.
  @Test func neverDisagreesWithTheGeneralPathOnMutatedLines() {
    var random = SplitMix(state: 0x5eed)
    let alphabet = Array(#"{}[]:,"\ -.0123456789eE+tfnxa"#.utf8) + [0x01, 0x09, 0x80, 0xC3]
    var accepted = 0
    // One memory of recent values across all lines, as an event loop keeps it.
    var recent = WireRequestScanner.Recent()
    for _ in 0..<20_000 {
      var line = Array(Self.lines[Int(random.next() % UInt64(Self.lines.count))].utf8)
      for _ in 0..<(1 + Int(random.next() % 3)) {
        let position = Int(random.next() % UInt64(line.count))
        switch random.next() % 4 {
        case 0: line.remove(at: position)
        case 1: line.insert(line[position], at: position)
        case 2: line.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: position)
        default: if position + 1 < line.count { line.swapAt(position, position + 1) }
        }
        if line.isEmpty { line = [UInt8(ascii: "{")] }
      }
      let fast = WireRequestScanner.decode(line, reusing: &recent)
      #expect(
        fast?.request == WireRequestScanner.decode(line)?.request,
        "\(String(decoding: line, as: UTF8.self))")
      guard let fast else { continue }
      accepted += 1
      let general = Self.generalDecode(line)
      #expect(general?.request == fast.request, "\(String(decoding: line, as: UTF8.self))")
      #expect(general?.id == fast.id, "\(String(decoding: line, as: UTF8.self))")
    }
    // Many mutations (in string contents, white space, digits) keep a line valid.
    #expect(accepted > 1000)
  }
}

/// A small deterministic generator, so a failure repeats.
private struct SplitMix {
  var state: UInt64

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
