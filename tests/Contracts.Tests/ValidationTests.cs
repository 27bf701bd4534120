namespace Autopilot.Contracts.Tests;

[Trait("Category", "unit")]
public sealed class ValidationTests
{
    [Theory]
    [InlineData("ACME Corporation")]
    [InlineData("Vandelay Industries")]
    [InlineData("O'Reilly & Sons, Ltd.")]
    [InlineData("Zoë")]
    [InlineData("A")]
    [InlineData("7-Eleven")]
    public void Workshop_style_names_are_accepted(string name) => Assert.Null(Validation.NameError("company", name));

    [Theory]
    [InlineData(null, "company is required.")]
    [InlineData("", "company is required.")]
    [InlineData(" Hooli", "company must start with a letter or digit and not end with a space.")]
    [InlineData("Hooli ", "company must start with a letter or digit and not end with a space.")]
    [InlineData("-Hooli", "company must start with a letter or digit and not end with a space.")]
    [InlineData("Hoo<li>", "company may hold only letters, digits, spaces and .,&'-; '<' is not allowed.")]
    [InlineData("a/b", "company may hold only letters, digits, spaces and .,&'-; '/' is not allowed.")]
    [InlineData("tab\there", "company may hold only letters, digits, spaces and .,&'-; 'U+0009' is not allowed.")]
    public void Bad_names_are_refused_with_a_sentence_naming_the_field(string? name, string expected) =>
        Assert.Equal(expected, Validation.NameError("company", name));

    [Fact]
    public void Names_longer_than_the_limit_are_refused()
    {
        Assert.Null(Validation.NameError("rep", new string('a', Validation.MaxNameLength)));
        Assert.Equal("rep is longer than 64 characters.", Validation.NameError("rep", new string('a', Validation.MaxNameLength + 1)));
    }

    [Theory]
    [InlineData("555-1234")]
    [InlineData("+1 (555) 123.4567")]
    [InlineData("911")]
    public void Phone_numbers_are_accepted(string phone) => Assert.Null(Validation.PhoneError("phone", phone));

    [Theory]
    [InlineData(null, "phone is required.")]
    [InlineData("55", "phone must hold at least three digits.")]
    [InlineData("555-CALL", "phone may hold only digits, spaces and +-().; 'C' is not allowed.")]
    [InlineData("123456789012345678901234567890123", "phone is longer than 32 characters.")]
    public void Bad_phone_numbers_are_refused(string? phone, string expected) => Assert.Equal(expected, Validation.PhoneError("phone", phone));

    [Fact]
    public void ThrowIf_throws_only_for_an_error()
    {
        Validation.ThrowIf(null);
        var e = Assert.Throws<ValidationException>(() => Validation.ThrowIf("x is required."));
        Assert.Equal("x is required.", e.Message);
    }
}
