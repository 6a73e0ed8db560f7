using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace WeiPian.Cli;

/// <summary>
/// Turns System.CommandLine's parse errors into one line naming the option and what it takes (instead of every error,
/// internal type names included, and the whole help).
/// </summary>
internal static class ParseErrors
{
    /// <summary>The most useful of the parse's errors as one line, without the <c>weipian COMMAND:</c> prefix.</summary>
    public static string Describe(ParseResult parse)
    {
        var errors = parse.Errors;
        // What the user typed wrong comes first; what is missing only after.
        var badValue = errors.FirstOrDefault(e => e.SymbolResult is OptionResult { Tokens.Count: > 0 });
        if (badValue is not null) return BadValue(badValue, (OptionResult)badValue.SymbolResult!);
        if (parse.UnmatchedTokens.Count > 0) return $"unknown option or argument '{parse.UnmatchedTokens[0]}'";
        var option = errors.Select(e => e.SymbolResult).OfType<OptionResult>().FirstOrDefault();
        if (option is not null)
        {
            var o = option.Option;
            return option.IdentifierToken is null
                ? $"{o.Name} is required{About(o)}"
                : $"{o.Name} needs a value: {Kind(o)}{About(o)}";
        }
        var command = parse.CommandResult.Command;
        var argument = command.Arguments.FirstOrDefault(a => (parse.GetResult(a)?.Tokens.Count ?? 0) < a.Arity.MinimumNumberOfValues);
        if (argument is not null) return $"<{argument.Name}> is missing{About(argument)}";
        if (command.Subcommands.Count > 0 && command.Action is null)
            return $"give a command: {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}";
        return errors.Count > 0 ? errors[0].Message : "the command line cannot be read";
    }

    /// <summary>
    /// An option or argument given as an empty string (<c>--out ""</c>), as one line, or null. No value of this command
    /// line may be empty, and the engine's own checks of empty paths are argument checks, not messages for users.
    /// </summary>
    public static string? EmptyValue(ParseResult parse)
    {
        foreach (var child in parse.CommandResult.Children)
        {
            if (!child.Tokens.Any(t => string.IsNullOrWhiteSpace(t.Value))) continue;
            return child switch
            {
                OptionResult o => $"{o.Option.Name} is empty{About(o.Option)}",
                ArgumentResult a => $"<{a.Argument.Name}> is empty{About(a.Argument)}",
                _ => null,
            };
        }
        return null;
    }

    /// <summary>The command the parse reached, as typed after <c>weipian</c> (e.g. <c>weipian detect</c>), for the prefix and the help hint.</summary>
    public static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (SymbolResult? r = parse.CommandResult; r is CommandResult c; r = c.Parent)
            names.Add(c.Parent is null ? "weipian" : c.Command.Name);
        names.Reverse();
        return string.Join(' ', names);
    }

    private static string BadValue(ParseError error, OptionResult result)
    {
        var o = result.Option;
        var tokens = result.Tokens.Select(t => t.Value).ToList();
        var unreadable = tokens.FirstOrDefault(t => !Converts(t, o.ValueType));
        if (unreadable is not null) return $"{o.Name} '{unreadable}' is not {Kind(o)}{About(o)}";
        if (tokens.Count > 1 && !IsList(o.ValueType))
            return $"{o.Name} is given {tokens.Count} values ({string.Join(", ", tokens)}); it takes one{About(o)}";
        // A validator's own message (the commands name the option in it), on one line: System.CommandLine lists the
        // allowed values of AcceptOnlyFromAmong one per line.
        var message = string.Join(' ', error.Message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return message.Contains(o.Name, StringComparison.Ordinal) ? message : $"{o.Name}: {message}";
    }

    private static string About(Symbol o) => o.Description is { Length: > 0 } d ? $" ({d.TrimEnd('.')})" : "";

    private static string Kind(Option o) => Underlying(o.ValueType) switch
    {
        var t when t == typeof(int) || t == typeof(long) => "a whole number",
        var t when t == typeof(double) || t == typeof(float) => "a number",
        var t when t == typeof(bool) => "true or false",
        _ => "a value",
    };

    private static bool Converts(string token, Type type) => Underlying(type) switch
    {
        var t when t == typeof(int) => int.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        var t when t == typeof(long) => long.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        var t when t == typeof(double) => double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
        var t when t == typeof(float) => float.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
        var t when t == typeof(bool) => bool.TryParse(token, out _),
        _ => true,
    };

    private static bool IsList(Type type) => type.IsArray || (type != typeof(string) && type.IsAssignableTo(typeof(System.Collections.IEnumerable)));

    private static Type Underlying(Type type) =>
        Nullable.GetUnderlyingType(type) ?? (type.IsArray ? type.GetElementType()! : type.IsGenericType && IsList(type) ? type.GetGenericArguments()[0] : type);
}
