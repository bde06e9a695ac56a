/// One subcommand of `placement`.
struct Subcommand: Sendable {
  /// The word that selects it.
  var name: String
  /// One line for `placement help`.
  var summary: String
  /// Runs it with the arguments after its name; returns the exit status
  /// (0 success, 1 a negative answer, 2 usage or I/O errors).
  var run: @Sendable ([String]) throws -> Int32

  /// Every subcommand, in the order `placement help` lists them.
  static let all: [Subcommand] = [
    .serve, .place, .check, .keygen, .seal, .open, .audit, .simulate, .bench,
  ]

  /// The usage text `placement help` prints.
  static var usage: String {
    var text = "usage: placement COMMAND [OPTIONS]\n\ncommands:\n"
    for command in all {
      let pad = String(repeating: " ", count: max(1, 10 - command.name.count))
      text += "  \(command.name)\(pad)\(command.summary)\n"
    }
    return text + "\nRun 'placement COMMAND --help' for a command's options.\n"
  }
}
