namespace Autopilot.Contracts.Tests;

/// <summary>
/// A conditional write's preconditions as RFC 9110 §13.1.1–13.1.2 and §13.2.2 evaluate them: <c>If-Match</c> compares
/// strongly and needs a current record, <c>If-None-Match</c> compares weakly, <c>*</c> stands for any current record.
/// </summary>
[Trait("Category", "unit")]
public sealed class WritePreconditionTests
{
    private const string Current = "\"abc\"";

    [Theory]
    [InlineData(new[] { "\"abc\"" }, Current, true)]
    [InlineData(new[] { "\"old\"", "\"abc\"" }, Current, true)]
    [InlineData(new[] { "\"old\"" }, Current, false)]
    [InlineData(new[] { "W/\"abc\"" }, Current, false)]
    [InlineData(new[] { "*" }, Current, true)]
    [InlineData(new[] { "*" }, null, false)]
    [InlineData(new[] { "\"abc\"" }, null, false)]
    public void If_match_holds_only_for_a_strong_match_of_the_current_tag_or_star_on_a_record_that_exists(string[] tags, string? current, bool holds) =>
        Assert.Equal(holds, new WritePrecondition(tags, null).Failure(current) is null);

    [Theory]
    [InlineData(new[] { "*" }, null, true)]
    [InlineData(new[] { "*" }, Current, false)]
    [InlineData(new[] { "\"abc\"" }, Current, false)]
    [InlineData(new[] { "W/\"abc\"" }, Current, false)]
    [InlineData(new[] { "\"old\"" }, Current, true)]
    [InlineData(new[] { "\"abc\"" }, null, true)]
    public void If_none_match_fails_for_a_weak_match_of_the_current_tag_or_star_on_a_record_that_exists(string[] tags, string? current, bool holds) =>
        Assert.Equal(holds, new WritePrecondition(null, tags).Failure(current) is null);

    [Fact]
    public void If_match_is_evaluated_first_and_a_failure_says_why_in_a_sentence()
    {
        var both = new WritePrecondition(["\"old\""], ["*"]);

        Assert.Equal($"If-Match names none of the record's current ETag {Current}: it changed since it was read. Read it again.", both.Failure(Current));
        Assert.Equal("If-Match asks for a record that exists, and there is none.", both.Failure(null));
        Assert.Equal("If-None-Match: * asks that no record exists yet, and one does.", new WritePrecondition(null, ["*"]).Failure(Current));
    }

    [Fact]
    public void A_record_s_tag_is_strong_quoted_and_changes_with_every_field_the_body_shows()
    {
        var record = new CustomerRecord("Hooli", "Chicago", "Carol", "silo-1", "silo-2");
        var tag = EntityTags.Of(record);

        Assert.Matches("^\"[A-Za-z0-9_-]{22}\"$", tag);
        Assert.Equal(tag, EntityTags.Of(record with { }));
        Assert.NotEqual(tag, EntityTags.Of(record with { Location = "Boston" }));
        Assert.NotEqual(tag, EntityTags.Of(record with { Rep = null }));
        Assert.NotEqual(tag, EntityTags.Of(record with { Source = "silo-3" }));
        Assert.NotEqual(tag, EntityTags.Of(record with { RepSource = null }));
        // Fields are length-prefixed: moving text from one field to the next is another record and another tag.
        Assert.NotEqual(EntityTags.Of(new CustomerRecord("ab", "c", null, "s", null)), EntityTags.Of(new CustomerRecord("a", "bc", null, "s", null)));

        var rep = new SalesRepRecord("Carol", "555-3412", "Hooli", "Chicago", "silo-1", "silo-2");
        Assert.NotEqual(EntityTags.Of(rep), EntityTags.Of(rep with { Territory = null }));
        Assert.NotEqual(EntityTags.Of(rep), EntityTags.Of(rep with { Phone = "555-0000" }));
    }
}
