import Foundation
import Testing

/// Every subcommand's `--help`, rendered by ArgumentParser at a terminal width, reads as prose: no paragraph is broken
/// by a hard line break in the source.
///
/// ArgumentParser wraps a paragraph at the last space within the first `width` characters, so every line it wraps is
/// at most `width - 1` characters and the word after it would not have fitted. The check, for every two consecutive
/// non-blank lines A and B with the same text column (where a discussion line starts, or where an option's or
/// subcommand's help starts after its label):
/// - B may start a new row (an option or subcommand label) or a list item (`- `, `* `, `1. `, `0  `), and A may end
///   with `:` (it introduces a list or an example);
/// - otherwise, if A, a space and B's first word are together shorter than `width`, the break was not made by
///   wrapping but written into the source, and the test fails naming the command, the width and both lines.
/// Lines with different text columns (an indented example, a list item's own column) and the usage line, which
/// ArgumentParser never wraps, are not compared.
@Suite struct HelpTextTests {
    /// Widths a user's terminal commonly has.
    static let widths = [80, 120]

    @Test(arguments: widths)
    func everySubcommandsHelpReadsAsProse(width: Int) throws {
        let prov = try ProvRunner()
        defer { prov.remove() }
        var problems = [String]()
        var checked = 0
        var pending: [[String]] = [[]]
        while let command = pending.popLast() {
            let help = try prov.run(command + ["--help"], environment: ["COLUMNS": "\(width)"])
            #expect(help.status == 0, "prov \(command.joined(separator: " ")) --help: \(help.stderr)")
            checked += 1
            problems += Self.hardBreaks(in: help.stdout, width: width).map {
                "prov \(command.joined(separator: " ")) --help at \(width) columns breaks a paragraph:\n  \($0.0)\n  \($0.1)"
            }
            pending += Self.subcommands(in: help.stdout).map { command + [$0] }
        }
        #expect(checked > 30, "only \(checked) help pages were found")
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    /// The check fails on text hard-wrapped in the source, and passes on the same text wrapped by width.
    @Test func theCheckFindsAHardBreakAndOnlyThat() {
        let hard =
            "OVERVIEW: Import files.\n\nThe format is detected unless --format says: a CSV; the project's\nshipment XML.\n"
        #expect(Self.hardBreaks(in: hard, width: 80).count == 1)
        let wrapped =
            "The format is detected from the content unless --format says: a CSV; the\nproject's shipment XML.\n"
        #expect(Self.hardBreaks(in: wrapped, width: 80).isEmpty)
        let list = "Exit status:\n  0  success\n  1  verification failed\n\nThe steps:\n  1. one\n  2. two\n- a\n- b\n"
        #expect(Self.hardBreaks(in: list, width: 80).isEmpty)
        let option = "OPTIONS:\n  --key <PEM>             The key,\n                          its path.\n"
        #expect(Self.hardBreaks(in: option, width: 80).count == 1)
        let rows = "OPTIONS:\n  --key <PEM>             The key.\n  --out <FILE>            Where to write.\n"
        #expect(Self.hardBreaks(in: rows, width: 80).isEmpty)
    }

    /// The pairs of lines in `help` that a hard break in the source separated (see the suite's description).
    static func hardBreaks(in help: String, width: Int) -> [(String, String)] {
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var found = [(String, String)]()
        for (a, b) in zip(lines, lines.dropFirst()) {
            guard let first = text(of: a), let second = text(of: b), !a.hasPrefix("USAGE:"), !b.hasPrefix("USAGE:")
            else { continue }
            guard first.column == second.column, !second.startsRow, !a.hasSuffix(":"), !startsListItem(second.text)
            else { continue }
            let nextWord = second.text.prefix { $0 != " " }
            if a.count + 1 + nextWord.count < width { found.append((a, b)) }
        }
        return found
    }

    /// Where a line's text starts and the text: after the label of an option or subcommand row (two spaces, the
    /// label, two or more spaces), else after the indentation; `startsRow` when the line has such a label. `nil` for a
    /// blank line.
    static func text(of line: String) -> (column: Int, text: Substring, startsRow: Bool)? {
        let indentation = line.prefix { $0 == " " }.count
        guard indentation < line.count else { return nil }
        let rest = line.dropFirst(indentation)
        if indentation == 2, rest.hasPrefix("-") || rest.first?.isLetter == true,
            let gap = rest.firstRange(of: "  "), rest[gap.upperBound...].first.map({ $0 != " " }) != nil
        {
            let afterGap = rest[gap.upperBound...].drop { $0 == " " }
            if !afterGap.isEmpty { return (line.count - afterGap.count, afterGap, true) }
        }
        return (indentation, rest, false)
    }

    static func startsListItem(_ text: Substring) -> Bool {
        text.hasPrefix("- ") || text.hasPrefix("* ") || text.wholeMatch(of: /[0-9]+(\.| ) .*/) != nil
    }

    /// The subcommand names a help page lists under SUBCOMMANDS (without ArgumentParser's own `help`).
    static func subcommands(in help: String) -> [String] {
        guard let section = help.components(separatedBy: "SUBCOMMANDS:\n").dropFirst().first else { return [] }
        return section.split(separator: "\n", omittingEmptySubsequences: false)
            .prefix { !$0.isEmpty }
            .compactMap { line -> String? in
                guard line.hasPrefix("  "), line.dropFirst(2).first.map({ $0 != " " }) == true else { return nil }
                let name = line.dropFirst(2).prefix { $0 != " " }
                return name == "help" ? nil : String(name)
            }
    }
}
