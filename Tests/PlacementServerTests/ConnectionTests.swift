import Testing

@testable import PlacementServer

/// A connection's output buffer: what is sent is forgotten, what is held stays where its
/// records say.
@Suite struct ConnectionTests {
  /// Appends `text` as one answer, held when `held` (as the event loop does while its audit
  /// record is not committed).
  static func append(_ text: String, to connection: inout Connection, held: Bool) {
    let start = connection.output.count
    connection.output += Array(text.utf8)
    if held || !connection.held.isEmpty {
      connection.held.append(
        HeldAnswer(
          sequence: held ? UInt64(start) : nil, id: nil, lease: nil, start: start,
          end: connection.output.count))
    }
  }

  /// The text of each held answer; an answer whose offsets lie outside the output reads as
  /// `<out of range>` (a failed expectation, not a trap that ends the test run).
  static func heldTexts(_ connection: Connection) -> [String] {
    connection.held.map { answer in
      guard 0 <= answer.start, answer.start <= answer.end, answer.end <= connection.output.count
      else { return "<out of range>" }
      return String(decoding: connection.output[answer.start..<answer.end], as: UTF8.self)
    }
  }

  @Test func everythingSentEmptiesTheOutput() {
    var connection = Connection(now: 0)
    Self.append("one\n", to: &connection, held: false)
    connection.sent = connection.output.count
    connection.discardSentOutput()
    #expect(connection.output.isEmpty)
    #expect(connection.sent == 0)
  }

  /// A pipelining client under a durable log: each round's answers are held until the next
  /// round commits their records, so the output never empties by itself. Sending cuts the sent
  /// front off, and each held answer still finds its own bytes.
  @Test func sentFrontIsCutOffWhileAnswersAreHeld() {
    var connection = Connection(now: 0)
    var sentTotal = 0
    for round in 0..<1000 {
      let answers = ["place \(round)\n", "complete \(round)\n"]
      let previous = connection.held.count
      for answer in answers { Self.append(answer, to: &connection, held: true) }
      // The previous round's records committed: its answers go out, this round's wait.
      connection.held.removeFirst(previous)
      sentTotal += connection.sendLimit - connection.sent
      connection.sent = connection.sendLimit
      connection.discardSentOutput()
      #expect(Self.heldTexts(connection) == answers)
      #expect(connection.pendingOutput == answers.joined().utf8.count)
    }
    #expect(sentTotal > 20_000)
    // Bounded by what is pending, not by what was ever sent.
    #expect(connection.output.count < 64)
  }

  @Test func aSmallSentFrontStaysUntilItIsHalf() {
    var connection = Connection(now: 0)
    Self.append("a\n", to: &connection, held: false)
    Self.append("a long answer still held\n", to: &connection, held: true)
    connection.sent = 2
    connection.discardSentOutput()
    #expect(connection.sent == 2)
    #expect(Self.heldTexts(connection) == ["a long answer still held\n"])
  }
}
