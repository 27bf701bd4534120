namespace Autopilot.Contracts;

/// <summary>
/// What a name, a location and a phone number may look like. The gateway answers 400 with these messages;
/// the grains check again, so no other caller can store what the API would refuse.
/// </summary>
public static class Validation
{
    public const int MaxNameLength = 64;
    public const int MaxPhoneLength = 32;

    private const string NamePunctuation = " .,&'-";
    private const string PhonePunctuation = " +-().";

    /// <summary>A company, rep or location: 1 to 64 letters, digits, spaces and <c>.,&amp;'-</c>, starting with a letter or digit, no trailing space.</summary>
    public static string? NameError(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return $"{field} is required.";
        }

        if (value.Length > MaxNameLength)
        {
            return $"{field} is longer than {MaxNameLength} characters.";
        }

        if (!char.IsLetterOrDigit(value[0]) || value[^1] == ' ')
        {
            return $"{field} must start with a letter or digit and not end with a space.";
        }

        foreach (var c in value)
        {
            if (!char.IsLetterOrDigit(c) && !NamePunctuation.Contains(c))
            {
                return $"{field} may hold only letters, digits, spaces and {NamePunctuation.Trim()}; '{Printable(c)}' is not allowed.";
            }
        }

        return null;
    }

    /// <summary>A phone number: up to 32 characters of digits, spaces and <c>+-().</c>, with at least three digits.</summary>
    public static string? PhoneError(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return $"{field} is required.";
        }

        if (value.Length > MaxPhoneLength)
        {
            return $"{field} is longer than {MaxPhoneLength} characters.";
        }

        var digits = 0;
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (!PhonePunctuation.Contains(c))
            {
                return $"{field} may hold only digits, spaces and {PhonePunctuation.Trim()}; '{Printable(c)}' is not allowed.";
            }
        }

        return digits >= 3 ? null : $"{field} must hold at least three digits.";
    }

    /// <summary>Throws <see cref="ValidationException"/> with the message of <paramref name="error"/>, if any.</summary>
    public static void ThrowIf(string? error)
    {
        if (error is not null)
        {
            throw new ValidationException(error);
        }
    }

    private static string Printable(char c) => char.IsControl(c) ? $"U+{(int)c:X4}" : c.ToString();
}
