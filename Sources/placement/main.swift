#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

// A reader that goes away (`placement place | head -1`) must end the run with an error from
// write(2), not kill the process.
signal(SIGPIPE, SIG_IGN)
// A file-size limit must fail the write (the audit log then reports it), not kill the process.
signal(SIGXFSZ, SIG_IGN)

let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, !["help", "--help", "-h"].contains(name) else {
  StandardStream.error.write(Subcommand.usage)
  exit(arguments.isEmpty ? 2 : 0)
}
guard let command = Subcommand.all.first(where: { $0.name == name }) else {
  StandardStream.error.write("placement: unknown command '\(name)'\n\n" + Subcommand.usage)
  exit(2)
}
do {
  exit(try command.run(Array(arguments.dropFirst())))
} catch {
  StandardStream.error.write("placement \(name): \(error)\n")
  exit(2)
}
