using NetGen.Internal;

namespace NetGen.Runtime.Tests;

/// <summary>
/// When the worker pool runs alone, in ticks of an imaginary clock: spells of 5 to 640 and at most 32 times
/// the wait, late past 1 tick of waiting (and half the caller's part), at most 50 ticks of credit.
/// </summary>
public sealed class SoloSpellsTests
{
    private static SoloSpells Spells() => new(shortestTicks: 5, longestTicks: 640, lateTicks: 1, maxCreditTicks: 50, waitMultiple: 32);

    [Fact]
    public void Jobs_whose_helpers_are_on_time_run_in_parallel()
    {
        SoloSpells spells = Spells();
        for (int job = 0; job < 1000; job++)
        {
            Assert.Equal(0, spells.Note(ownTicks: 10, waitTicks: job % 2, helpers: 1));
        }
    }

    [Fact]
    public void A_late_job_after_helpers_saved_far_more_than_it_costs_starts_the_shortest_spell()
    {
        SoloSpells spells = Spells();
        for (int job = 0; job < 10; job++)
        {
            spells.Note(ownTicks: 10, waitTicks: 0, helpers: 1); // 100 ticks saved, 50 kept
        }

        Assert.Equal(5, spells.Note(ownTicks: 10, waitTicks: 20, helpers: 1)); // 50 saved, 20 lost
    }

    [Fact]
    public void Late_jobs_with_little_saved_between_them_double_the_spells_up_to_the_longest()
    {
        SoloSpells spells = Spells();
        long[] expected = [10, 20, 40, 80, 160, 320, 640, 640];
        foreach (long spell in expected)
        {
            spells.Note(ownTicks: 10, waitTicks: 0, helpers: 1); // 10 saved
            Assert.Equal(spell, spells.Note(ownTicks: 10, waitTicks: 30, helpers: 1)); // then 30 lost
        }
    }

    [Fact]
    public void A_spell_lasts_at_most_a_multiple_of_the_wait_that_started_it()
    {
        // short waits (3 ticks, late past 1 + 2 / 2) with nothing saved between them: the spells double up to
        // 32 x 3 = 96, not to the longest; a long wait then lets them double on from there
        SoloSpells spells = Spells();
        long[] expected = [10, 20, 40, 80, 96, 96];
        foreach (long spell in expected)
        {
            Assert.Equal(spell, spells.Note(ownTicks: 2, waitTicks: 3, helpers: 1));
        }

        Assert.Equal(192, spells.Note(ownTicks: 2, waitTicks: 30, helpers: 1));

        // and never under the shortest, however short the wait
        SoloSpells tiny = new(shortestTicks: 5, longestTicks: 640, lateTicks: 0, maxCreditTicks: 50, waitMultiple: 1);
        Assert.Equal(5, tiny.Note(ownTicks: 0, waitTicks: 1, helpers: 1));
    }

    [Fact]
    public void Helpers_must_save_twice_what_a_late_job_costs_to_keep_spells_short()
    {
        SoloSpells spells = Spells();
        for (int job = 0; job < 3; job++)
        {
            spells.Note(ownTicks: 10, waitTicks: 0, helpers: 1); // 30 saved
        }

        Assert.Equal(10, spells.Note(ownTicks: 4, waitTicks: 20, helpers: 1)); // 34 saved, 20 lost: less than twice

        for (int job = 0; job < 5; job++)
        {
            spells.Note(ownTicks: 10, waitTicks: 0, helpers: 1); // 50 saved
        }

        Assert.Equal(5, spells.Note(ownTicks: 4, waitTicks: 20, helpers: 1)); // 54 saved, 20 lost: back to the shortest
    }

    [Fact]
    public void Jobs_on_time_whose_waits_cost_more_than_their_parts_save_start_a_spell()
    {
        // tiny parts (2 ticks) and a helper slow to finish them: each wait of 4 is under the late mark
        // (4 + ownTicks / 2 = 5) but loses 2 more than the part saved; the second such job reaches the mark
        SoloSpells spells = new(shortestTicks: 5, longestTicks: 640, lateTicks: 4, maxCreditTicks: 50, waitMultiple: 32);
        Assert.Equal(0, spells.Note(ownTicks: 2, waitTicks: 2, helpers: 1)); // even
        Assert.Equal(0, spells.Note(ownTicks: 2, waitTicks: 4, helpers: 1)); // 2 lost
        Assert.Equal(10, spells.Note(ownTicks: 2, waitTicks: 4, helpers: 1)); // 4 lost
        Assert.Equal(0, spells.Note(ownTicks: 2, waitTicks: 2, helpers: 1)); // the loss was spent on the spell
    }

    [Fact]
    public void Each_helper_on_time_saves_the_caller_its_part()
    {
        // three helpers saving 10 each make up for a wait of 20 with more than twice to spare
        SoloSpells spells = Spells();
        spells.Note(ownTicks: 10, waitTicks: 0, helpers: 3);
        Assert.Equal(5, spells.Note(ownTicks: 10, waitTicks: 20, helpers: 3)); // 30 + 30 - 20 = 40 >= 20

        SoloSpells alone = Spells();
        alone.Note(ownTicks: 10, waitTicks: 0, helpers: 1);
        Assert.Equal(10, alone.Note(ownTicks: 10, waitTicks: 20, helpers: 1)); // 10 + 10 - 20 = 0 < 20
    }
}
