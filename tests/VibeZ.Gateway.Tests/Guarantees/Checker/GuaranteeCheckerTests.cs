using VibeZ.Gateway.Tests.Guarantees.Observations;

namespace VibeZ.Gateway.Tests.Guarantees.Checker;

/// <summary>The checker on hand-made histories: each broken promise is found and named, and a correct history passes.</summary>
public sealed class GuaranteeCheckerTests
{
    private const string E = "e1";

    /// <summary>A subscriber that got m1 and m2 in order, a publisher acked for both: the base every test breaks.</summary>
    private static HistoryScript Correct() => new HistoryScript()
        .Subscribe("sub#1", "c").Subscribed("sub#1", "c", E, 0)
        .Publish("pub", "c", "m1", E, 1).Deliver("sub#1", "c", "m1", E, 1)
        .Publish("pub", "c", "m2", E, 2).Deliver("sub#1", "c", "m2", E, 2);

    [Fact]
    public void ACorrectHistoryHasNoViolationAndItsFigures()
    {
        var report = Check(Correct().Fault("pause", disrupts: false).Publish("pub", "c", "m3", E, 3).Fault("crash").Publish("pub", "c", "m4", E, 4)
            .Deliver("sub#1", "c", "m3", E, 3).Deliver("sub#1", "c", "m4", E, 4));

        Assert.Empty(report.Violations);
        Assert.Equal((4, 4, 4, 0, 0, 0, 0, 0, 0), (report.Sent, report.Acked, report.Delivered, report.AckedButLost, report.Duplicates, report.Reorders, report.ReusedOffsets, report.SilentGaps, report.SignalledLosses));
        // From the crash (not the pause before it): m4's send 10 ms later, then its ack 10 ms after that.
        Assert.Equal(TimeSpan.FromMilliseconds(20), report.FaultToFirstAck);
    }

    [Fact]
    public void AChannelWithoutHistoryMovesToTheFirstEpochWithItsFirstMessageAndNothingElse()
    {
        var first = new HistoryScript()
            .Subscribe("sub#1", "c").Subscribed("sub#1", "c", "", 0)
            .Publish("pub", "c", "m1", E, 1).Deliver("sub#1", "c", "m1", E, 1);
        var skipping = new HistoryScript()
            .Subscribe("sub#1", "c").Subscribed("sub#1", "c", "", 0)
            .Publish("pub", "c", "m1", E, 1).Publish("pub", "c", "m2", E, 2).Deliver("sub#1", "c", "m2", E, 2);

        Assert.Empty(Check(first).Violations);
        Assert.Contains(Check(skipping).Violations, v => v.Guarantee == "G4");
    }

    [Fact]
    public void AnOffsetThatNamesTwoMessagesIsAReusedOffset()
    {
        // The path: B delivered m3 at e1/3, then a promoted replica handed e1/3 to n1 and acked it.
        var script = Correct()
            .Send("pub", "c", "m3").Error("pub", "c", "m3", "not_replicated", retryable: true).Deliver("sub#1", "c", "m3", E, 3)
            .Publish("pub", "c", "n1", E, 3);

        var report = Check(script);

        Assert.Equal(1, report.ReusedOffsets);
        var reused = Assert.Single(report.Violations, v => v.Guarantee == "G1");
        Assert.Contains("e1/3 names 2 messages", reused.Detail);
        Assert.Contains("m3", reused.Detail);
        Assert.Contains("n1", reused.Detail);
    }

    [Fact]
    public void AnAckedMessageASubscriberNeverGotIsAckedButLost()
    {
        var report = Check(Correct().Publish("pub", "c", "m3", E, 3));

        Assert.Equal(1, report.AckedButLost);
        var lost = Assert.Single(report.Violations, v => v.Guarantee == "G2");
        Assert.Contains("m3, acked at e1/3", lost.Detail);
        Assert.Equal("sub#1", lost.Client);
    }

    [Fact]
    public void AMessageDeliveredTwiceIsADuplicate()
    {
        var report = Check(Correct().Deliver("sub#1", "c", "m2", E, 2));

        Assert.Equal(1, report.Duplicates);
        Assert.Contains(report.Violations, v => v.Guarantee == "G3" && v.Detail.Contains("got m2 again at e1/2"));
    }

    [Fact]
    public void AnOffsetGoingBackIsAReorder()
    {
        var script = new HistoryScript()
            .Subscribe("sub#1", "c").Subscribed("sub#1", "c", E, 0)
            .Publish("pub", "c", "m1", E, 1).Publish("pub", "c", "m2", E, 2).Publish("pub", "c", "m3", E, 3)
            .Deliver("sub#1", "c", "m1", E, 1).Deliver("sub#1", "c", "m3", E, 3).Deliver("sub#1", "c", "m2", E, 2);

        var report = Check(script);

        Assert.Equal(1, report.Reorders);
        Assert.Contains(report.Violations, v => v.Guarantee == "G3" && v.Detail.Contains("out of order"));
    }

    [Fact]
    public void ASkippedOffsetWithoutRecoveredFalseIsASilentGap()
    {
        var script = Correct().Send("pub", "c", "m3").Error("pub", "c", "m3", "not_replicated", retryable: true)
            .Publish("pub", "c", "m4", E, 4).Deliver("sub#1", "c", "m4", E, 4);

        var report = Check(script);

        Assert.Equal(1, report.SilentGaps);
        Assert.Contains(report.Violations, v => v.Guarantee == "G4" && v.Detail.Contains("offsets 3..3 were skipped"));
    }

    [Fact]
    public void ARecoveredFalseCoversTheGapButBreaksG2OnlyAfterASingleFault()
    {
        var script = Correct().Publish("pub", "c", "m3", E, 3)
            .Subscribed("sub#1", "c", "e2", 0, recovered: false)
            .Publish("pub", "c", "m4", "e2", 1).Deliver("sub#1", "c", "m4", "e2", 1);

        var afterOneFault = Check(script);
        var afterTwoFaults = GuaranteeChecker.Check(script.Observations, Expectations.LossAllowed);

        Assert.Equal(1, afterTwoFaults.SignalledLosses);
        Assert.Empty(afterTwoFaults.Violations);
        Assert.Equal(0, afterTwoFaults.AckedButLost);
        Assert.Contains(afterOneFault.Violations, v => v.Guarantee == "G2" && v.Detail.Contains("recovered:false at e2/0"));
    }

    [Fact]
    public void AMessageSentAgainAfterASignalledLossIsADuplicateThatOnlyASingleFaultForbids()
    {
        // Every copy of the data is gone; the client sends m2 again, and the new epoch has it as a new message.
        var script = Correct().Subscribed("sub#1", "c", "e2", 0, recovered: false)
            .Send("pub", "c", "m2", attempt: 2).Ack("pub", "c", "m2", "e2", 1, attempt: 2).Deliver("sub#1", "c", "m2", "e2", 1);

        var afterTotalLoss = GuaranteeChecker.Check(script.Observations, Expectations.LossAllowed);
        var afterOneFault = Check(script);

        Assert.Equal(1, afterTotalLoss.Duplicates);
        Assert.DoesNotContain(afterTotalLoss.Violations, v => v.Guarantee == "G3");
        Assert.Contains(afterOneFault.Violations, v => v.Guarantee == "G3" && v.Detail.Contains("got m2 again at e2/1"));
    }

    [Fact]
    public void AResumeFromAChannelWithoutHistoryReplaysTheFirstEpochFromItsFirstMessage()
    {
        // Subscribed while nobody had published, moved to another Gateway before the first message arrived.
        HistoryScript Resumed(params (string Id, long Offset)[] replay)
        {
            var script = new HistoryScript()
                .Subscribe("sub#1", "c").Subscribed("sub#1", "c", "", 0).Close("sub#1")
                .Publish("pub", "c", "m1", E, 1).Publish("pub", "c", "m2", E, 2)
                .Subscribe("sub#2", "c", since: new Position("", 0));
            foreach (var (id, offset) in replay)
            {
                script = script.Deliver("sub#2", "c", id, E, offset);
            }

            return script.Subscribed("sub#2", "c", E, 2);
        }

        Assert.Empty(Check(Resumed(("m1", 1), ("m2", 2))).Violations);
        Assert.Contains(Check(Resumed(("m2", 2))).Violations, v => v.Guarantee == "G5" && v.Detail.Contains("the replay after /0 went from offset 0 to e1/2"));
        Assert.Contains(Check(Resumed()).Violations, v => v.Guarantee == "G5" && v.Detail.Contains("subscribed in another epoch at e1/2"));
    }

    [Fact]
    public void AResumeWithRecoveredTrueThatSkipsAMessageBreaksG5()
    {
        var script = Correct().Close("sub#1")
            .Publish("pub", "c", "m3", E, 3).Publish("pub", "c", "m4", E, 4)
            .Subscribe("sub#2", "c", since: new Position(E, 2)).Deliver("sub#2", "c", "m4", E, 4).Subscribed("sub#2", "c", E, 4);

        var report = Check(script);

        Assert.Contains(report.Violations, v => v.Guarantee == "G5" && v.Detail.Contains("the replay after e1/2 went from offset 2 to e1/4"));
        Assert.Contains(report.Violations, v => v.Guarantee == "G5" && v.Detail.Contains("m3, acked at e1/3"));
    }

    [Fact]
    public void AConnectionsAcksOutOfSendOrderBreakG6()
    {
        var script = new HistoryScript().Send("pub", "c", "m1").Send("pub", "c", "m2").Ack("pub", "c", "m2", E, 1).Ack("pub", "c", "m1", E, 2);

        var report = Check(script);

        Assert.Contains(report.Violations, v => v.Guarantee == "G6" && v.Detail.Contains("m1 was sent before m2"));
    }

    [Fact]
    public void AnAckForOtherDataUnderAnAckedIdBreaksG7AndIdConflictKeepsIt()
    {
        var acked = Correct().Send("pub", "c", "m1", attempt: 2, probe: PublishProbe.OtherData, data: """{"id":"other"}""");
        var conflict = Check(acked.Error("pub", "c", "m1", "id_conflict", retryable: false, attempt: 2));
        var ack = Check(Correct().Send("pub", "c", "m1", attempt: 2, probe: PublishProbe.OtherData, data: """{"id":"other"}""").Ack("pub", "c", "m1", E, 1, attempt: 2));

        Assert.Empty(conflict.Violations);
        Assert.Contains(ack.Violations, v => v.Guarantee == "G7" && v.Detail.Contains("instead of answered id_conflict"));
    }

    [Fact]
    public void AResendWithTheSameDataMustGetTheSamePosition()
    {
        var report = Check(Correct().Send("pub", "c", "m1", attempt: 2, probe: PublishProbe.SameData).Ack("pub", "c", "m1", E, 3, attempt: 2));

        Assert.Contains(report.Violations, v => v.Guarantee == "G7" && v.Detail.Contains("was acked at e1/3; it was first acked at e1/1"));
        Assert.Contains(report.Violations, v => v.Guarantee == "G7" && v.Detail.Contains("sits at offsets 1, 3"));
    }

    [Fact]
    public void ASubscriberThatStopsShortOfItsEpochHasASilentTrailingGap()
    {
        // Nobody acked m3 (not_replicated), yet another subscriber got it: the first one must get it too.
        var script = Correct().Subscribe("other#1", "c").Subscribed("other#1", "c", E, 2)
            .Send("pub", "c", "m3").Error("pub", "c", "m3", "not_replicated", retryable: true).Deliver("other#1", "c", "m3", E, 3);

        var report = Check(script);

        Assert.Contains(report.Violations, v => v.Guarantee == "G4" && v.Client == "sub#1" && v.Detail.Contains("ended at e1/2"));
    }

    [Fact]
    public void ANonRetryableErrorBreaksG8AndAnyErrorBreaksAFaultThatPromisesNone()
    {
        var script = Correct().Send("pub", "c", "m3").Error("pub", "c", "m3", "internal_error", retryable: false);

        var report = GuaranteeChecker.Check(script.Observations, new Expectations(SingleFault: true, ErrorsAllowed: false));

        Assert.Contains(report.Violations, v => v.Guarantee == "G8" && v.Detail.Contains("failed for good: internal_error"));
        Assert.Contains(report.Violations, v => v.Guarantee == "NoError");
    }

    [Fact]
    public void TheIdConflictThatAnOtherDataProbeMustGetIsNoErrorUnderAFaultThatPromisesNone()
    {
        var probe = Correct().Send("pub", "c", "m1", attempt: 2, probe: PublishProbe.OtherData, data: """{"id":"other"}""")
            .Error("pub", "c", "m1", "id_conflict", retryable: false, attempt: 2);
        var plain = Correct().Send("pub", "c", "m2", attempt: 2).Error("pub", "c", "m2", "id_conflict", retryable: false, attempt: 2);

        var noErrors = new Expectations(SingleFault: true, ErrorsAllowed: false);

        Assert.Empty(GuaranteeChecker.Check(probe.Observations, noErrors).Violations);
        Assert.Contains(GuaranteeChecker.Check(plain.Observations, noErrors).Violations, v => v.Guarantee == "NoError");
    }

    private static GuaranteeReport Check(HistoryScript script) => GuaranteeChecker.Check(script.Observations, Expectations.OneFault);
}
