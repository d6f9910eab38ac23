import Foundation

/// Refuses YAML nested so deeply that parsing it could exhaust the stack, before the parser sees it.
///
/// The YAML library builds its tree recursively, so a hostile `[[[[…]]]]` a few hundred levels deep can crash a
/// thread with a small stack. This scan is a cheap over-approximation of the nesting: it counts open flow brackets
/// outside quotes and comments, and measures indentation outside block scalars. No real configuration comes near
/// either limit.
enum ConfigNestingGuard {
    /// The deepest flow nesting (`[`, `{`) accepted.
    static let maximumFlowDepth = 64
    /// The deepest indentation accepted, in columns.
    static let maximumIndentation = 256

    /// The problem and its 1-based line and column, or nil when the text is shallow enough.
    static func problem(in yaml: String) -> (message: String, line: Int, column: Int)? {
        var flowDepth = 0
        var blockScalarParentIndent: Int?
        var lineNumber = 0
        for rawLine in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = Array(rawLine.unicodeScalars)
            let indent = line.prefix { $0 == " " }.count
            let isBlank = line.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }

            if let parent = blockScalarParentIndent {
                if isBlank || indent > parent {
                    continue
                }
                blockScalarParentIndent = nil
            }
            // Compact nested sequences (`- - - x`) nest without indenting: count each dash like indentation.
            var contentColumn = indent
            while contentColumn + 1 < line.count, line[contentColumn] == "-", line[contentColumn + 1] == " " {
                contentColumn += 2
            }
            if contentColumn > maximumIndentation {
                return ("values are indented more than \(maximumIndentation) columns deep", lineNumber, maximumIndentation + 1)
            }

            var quote: Unicode.Scalar?
            // Outside flow collections a bracket opens one only where a value starts; elsewhere it is plain text.
            var expectingValue = true
            var index = 0
            var previous: Unicode.Scalar = " "
            while index < line.count {
                let scalar = line[index]
                let next: Unicode.Scalar = index + 1 < line.count ? line[index + 1] : " "
                let nextIsSpace = next == " " || next == "\t" || next == "\r"
                if let open = quote {
                    if open == "\"", scalar == "\\" {
                        index += 2
                        continue
                    }
                    if scalar == open {
                        quote = nil
                        expectingValue = false
                    }
                } else if scalar == "#", previous == " " || previous == "\t" {
                    break
                } else if flowDepth == 0 {
                    if scalar == " " || scalar == "\t" {
                        // Spaces change nothing.
                    } else if expectingValue {
                        if scalar == "[" || scalar == "{" {
                            flowDepth = 1
                        } else if scalar == "'" || scalar == "\"" {
                            quote = scalar
                        } else if (scalar == "-" || scalar == "?") && nextIsSpace {
                            // A sequence entry or complex key: a value follows.
                        } else if scalar == "&" || scalar == "!" {
                            // An anchor or tag: skip its name, a value still follows.
                            while index + 1 < line.count, line[index + 1] != " ", line[index + 1] != "\t" {
                                index += 1
                            }
                        } else {
                            expectingValue = false
                        }
                    } else if scalar == ":", nextIsSpace {
                        expectingValue = true
                    }
                } else if scalar == "'" || scalar == "\"", " \t[{,:".unicodeScalars.contains(previous) {
                    quote = scalar
                } else if scalar == "[" || scalar == "{" {
                    flowDepth += 1
                    if flowDepth > maximumFlowDepth {
                        return ("values are nested more than \(maximumFlowDepth) levels deep", lineNumber, index + 1)
                    }
                } else if scalar == "]" || scalar == "}" {
                    flowDepth -= 1
                    expectingValue = false
                }
                previous = scalar
                index += 1
            }
            if quote != nil, flowDepth == 0 {
                // A quoted scalar may continue on the next line; brackets inside it are text, so stay cautious
                // and start the next line afresh rather than track it.
                quote = nil
            }
            if flowDepth == 0, quote == nil, startsBlockScalar(line) {
                blockScalarParentIndent = indent
            }
        }
        return nil
    }

    /// Whether a line ends with a block scalar indicator (`|`, `>-`, `|+2`, optionally followed by a comment).
    private static func startsBlockScalar(_ line: [Unicode.Scalar]) -> Bool {
        var text = String(String.UnicodeScalarView(line))
        if let hash = text.range(of: " #") {
            text = String(text[..<hash.lowerBound])
        }
        let trimmed = text.trimmingTrailingSpaces()
        guard let last = trimmed.lastIndex(where: { $0 == "|" || $0 == ">" }) else { return false }
        let indicators = trimmed[trimmed.index(after: last)...]
        guard indicators.allSatisfy({ $0 == "+" || $0 == "-" || ($0.isASCII && $0.isNumber) }) else { return false }
        let before = String(trimmed[..<last])
        let head = before.trimmingTrailingSpaces().drop { $0 == " " }
        guard !head.isEmpty else { return true }
        return before.hasSuffix(" ") && (head.hasSuffix(":") || head == "-" || head.hasSuffix(" -"))
    }
}

extension String {
    /// The string without trailing spaces, tabs and carriage returns.
    fileprivate func trimmingTrailingSpaces() -> String {
        var copy = Substring(self)
        while let last = copy.last, last == " " || last == "\t" || last == "\r" {
            copy = copy.dropLast()
        }
        return String(copy)
    }
}
