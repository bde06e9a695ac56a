/// A subcommand's arguments: `--name VALUE` options (also `--name=VALUE`), `--flag` switches and
/// positional words. Small on purpose: the package takes no dependencies.
struct CommandArguments {
  /// The positional words, in order.
  private(set) var positionals: [String] = []
  private var values: [String: [String]] = [:]
  private var switches: Set<String> = []

  /// Parses `arguments` for a command that knows `options` (which take a value) and `flags`
  /// (which do not). Anything else starting with `--` is a usage error; `--` ends the options.
  init(_ arguments: some Sequence<String>, options: Set<String>, flags: Set<String> = [])
    throws(UsageError)
  {
    var iterator = arguments.makeIterator()
    var onlyPositionals = false
    while let argument = iterator.next() {
      if onlyPositionals || !argument.hasPrefix("--") || argument == "-" {
        positionals.append(argument)
        continue
      }
      if argument == "--" {
        onlyPositionals = true
        continue
      }
      var name = argument
      var inlineValue: String?
      if let equals = argument.firstIndex(of: "=") {
        name = String(argument[..<equals])
        inlineValue = String(argument[argument.index(after: equals)...])
      }
      if flags.contains(name), inlineValue == nil {
        switches.insert(name)
      } else if options.contains(name) {
        guard let value = inlineValue ?? iterator.next() else {
          throw UsageError("\(name) needs a value")
        }
        values[name, default: []].append(value)
      } else {
        let known = (options.union(flags)).sorted().joined(separator: ", ")
        throw UsageError("unknown option '\(name)'" + (known.isEmpty ? "" : " (known: \(known))"))
      }
    }
  }

  /// The last value given for option `name`, if any.
  func value(_ name: String) -> String? { values[name]?.last }

  /// Every value given for option `name`, in order (for options that may repeat).
  func allValues(_ name: String) -> [String] { values[name] ?? [] }

  /// Whether switch `name` was given.
  func isSet(_ name: String) -> Bool { switches.contains(name) }

  /// The value of option `name` as a number, or nil when absent.
  func number(_ name: String) throws(UsageError) -> Double? {
    guard let text = value(name) else { return nil }
    guard let number = Double(text), number.isFinite else {
      throw UsageError("\(name) expects a number, found '\(text)'")
    }
    return number
  }

  /// The value of option `name` as a whole number, or nil when absent.
  func integer(_ name: String) throws(UsageError) -> Int? {
    guard let text = value(name) else { return nil }
    guard let number = Int(text) else {
      throw UsageError("\(name) expects a whole number, found '\(text)'")
    }
    return number
  }
}

/// The command line was wrong: exit status 2, with a message that says what to do.
struct UsageError: Error, CustomStringConvertible {
  /// What was wrong.
  var description: String

  init(_ description: String) { self.description = description }
}
