using System.Diagnostics.CodeAnalysis;

namespace MetaServer.Domain.Selection;

/// <summary>
/// Reads the <c>?labelSelector=</c> syntax the way the apiserver does: a tokenizer that splits on whitespace and the
/// symbols <c>= ! ( ) , &gt; &lt;</c>, and a parser that only treats <c>in</c>/<c>notin</c> as keywords where an
/// operator is expected (so <c>in</c> is a usable key and value).
/// </summary>
internal sealed class LabelSelectorParser
{
    private readonly string _text;
    private int _position;
    private Token? _peeked;

    private LabelSelectorParser(string text) => _text = text;

    private enum TokenKind
    {
        End,
        Identifier,
        Comma,
        OpenParen,
        CloseParen,
        Bang,
        SingleEquals,
        DoubleEquals,
        NotEquals,
        GreaterThan,
        LessThan,
    }

    private readonly record struct Token(TokenKind Kind, int Start, int Length);

    public static bool TryParse(string text, out List<LabelRequirement> requirements, [NotNullWhen(false)] out string? error) =>
        new LabelSelectorParser(text).TryParseAll(out requirements, out error);

    private bool TryParseAll(out List<LabelRequirement> requirements, [NotNullWhen(false)] out string? error)
    {
        requirements = [];
        error = null;
        var token = Next();
        if (token.Kind == TokenKind.End)
            return true;
        while (true)
        {
            if (token.Kind is not (TokenKind.Identifier or TokenKind.Bang))
                return Fail($"found {Describe(token)}, expected: '!' or a label key", out error);
            if (!TryParseRequirement(token, out var requirement, out error))
            {
                error = "unable to parse requirement: " + error;
                return false;
            }
            requirements.Add(requirement);

            token = Next();
            if (token.Kind == TokenKind.End)
                return true;
            if (token.Kind != TokenKind.Comma)
                return Fail($"found {Describe(token)}, expected: ',' or end of string", out error);
            token = Next();
        }
    }

    private bool TryParseRequirement(
        Token first,
        [NotNullWhen(true)] out LabelRequirement? requirement,
        [NotNullWhen(false)] out string? error)
    {
        requirement = null;
        var negated = first.Kind == TokenKind.Bang;
        var keyToken = negated ? Next() : first;
        if (keyToken.Kind != TokenKind.Identifier)
            return Fail($"found {Describe(keyToken)}, expected: a label key", out error);
        var key = Text(keyToken);
        // Judged before anything that follows, so "bad@key!=x" reports the key, as the apiserver does.
        if (LabelSyntax.ValidateKey(key) is { } keyError)
            return Fail($"invalid label key \"{key}\": {keyError}", out error);

        LabelOperator @operator;
        string[] values;
        if (negated)
        {
            // Anything after "!key" other than ',' or the end is reported by the caller.
            (@operator, values) = (LabelOperator.DoesNotExist, []);
        }
        else if (Peek().Kind is TokenKind.End or TokenKind.Comma)
        {
            (@operator, values) = (LabelOperator.Exists, []);
        }
        else
        {
            var operatorToken = Next();
            LabelOperator? parsed = operatorToken.Kind switch
            {
                TokenKind.SingleEquals or TokenKind.DoubleEquals => LabelOperator.Equals,
                TokenKind.NotEquals => LabelOperator.NotEquals,
                TokenKind.GreaterThan => LabelOperator.GreaterThan,
                TokenKind.LessThan => LabelOperator.LessThan,
                TokenKind.Identifier when IsText(operatorToken, "in") => LabelOperator.In,
                TokenKind.Identifier when IsText(operatorToken, "notin") => LabelOperator.NotIn,
                _ => null,
            };
            if (parsed is not { } op)
                return Fail($"found {Describe(operatorToken)}, expected: one of in, notin, =, ==, !=, >, <", out error);
            @operator = op;
            if (op is LabelOperator.In or LabelOperator.NotIn)
            {
                if (!TryParseValueSet(out values, out error))
                    return false;
            }
            else if (!TryParseSingleValue(out values, out error))
            {
                return false;
            }
        }

        return LabelRequirement.TryCreate(key, @operator, values, out requirement, out error);
    }

    // "(a,b)"; an empty element stands for the empty value, so "()" and "(a,)" both include "".
    private bool TryParseValueSet(out string[] values, [NotNullWhen(false)] out string? error)
    {
        values = [];
        var open = Next();
        if (open.Kind != TokenKind.OpenParen)
            return Fail($"found {Describe(open)}, expected: '('", out error);

        var collected = new List<string>();
        if (Peek().Kind == TokenKind.CloseParen)
        {
            Next();
            collected.Add("");
        }
        else
        {
            while (true)
            {
                var element = Peek();
                if (element.Kind == TokenKind.Identifier)
                {
                    Next();
                    collected.Add(Text(element));
                }
                else if (element.Kind is TokenKind.Comma or TokenKind.CloseParen)
                {
                    collected.Add("");
                }
                else
                {
                    return Fail($"found {Describe(element)}, expected: a value, ',' or ')'", out error);
                }

                var separator = Next();
                if (separator.Kind == TokenKind.CloseParen)
                    break;
                if (separator.Kind != TokenKind.Comma)
                    return Fail($"found {Describe(separator)}, expected: ',' or ')'", out error);
            }
        }

        values = [.. collected];
        error = null;
        return true;
    }

    // "key=" with nothing after it selects the empty value.
    private bool TryParseSingleValue(out string[] values, [NotNullWhen(false)] out string? error)
    {
        values = [];
        var token = Peek();
        if (token.Kind is TokenKind.End or TokenKind.Comma)
        {
            values = [""];
            error = null;
            return true;
        }
        Next();
        if (token.Kind != TokenKind.Identifier)
            return Fail($"found {Describe(token)}, expected: a value", out error);
        values = [Text(token)];
        error = null;
        return true;
    }

    private Token Peek() => _peeked ??= Scan();

    private Token Next()
    {
        var token = Peek();
        _peeked = null;
        return token;
    }

    private Token Scan()
    {
        while (_position < _text.Length && IsWhitespace(_text[_position]))
            _position++;
        var start = _position;
        if (start == _text.Length)
            return new Token(TokenKind.End, start, 0);

        var c = _text[start];
        var followedByEquals = start + 1 < _text.Length && _text[start + 1] == '=';
        var (kind, length) = c switch
        {
            ',' => (TokenKind.Comma, 1),
            '(' => (TokenKind.OpenParen, 1),
            ')' => (TokenKind.CloseParen, 1),
            '>' => (TokenKind.GreaterThan, 1),
            '<' => (TokenKind.LessThan, 1),
            '=' => followedByEquals ? (TokenKind.DoubleEquals, 2) : (TokenKind.SingleEquals, 1),
            '!' => followedByEquals ? (TokenKind.NotEquals, 2) : (TokenKind.Bang, 1),
            _ => (TokenKind.Identifier, IdentifierLength(start)),
        };
        _position += length;
        return new Token(kind, start, length);
    }

    private int IdentifierLength(int start)
    {
        var end = start;
        while (end < _text.Length && !IsWhitespace(_text[end]) && !IsSymbol(_text[end]))
            end++;
        return end - start;
    }

    private static bool IsWhitespace(char c) => c is ' ' or '\t' or '\r' or '\n';

    private static bool IsSymbol(char c) => c is '=' or '!' or '(' or ')' or ',' or '>' or '<';

    private string Text(Token token) => _text.Substring(token.Start, token.Length);

    private bool IsText(Token token, string expected) =>
        _text.AsSpan(token.Start, token.Length).SequenceEqual(expected);

    private string Describe(Token token) =>
        token.Kind == TokenKind.End ? "end of string" : $"'{Text(token)}'";

    private static bool Fail(string message, [NotNullWhen(false)] out string? error)
    {
        error = message;
        return false;
    }
}
