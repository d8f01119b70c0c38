package io.xasflow.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditLaneTest {
    private static AuditLane.Request request() {
        float[] params = {0.1f, 0.1f, 0.05f, 0.8f, 0.8f, 300, 0.1f, 0.4f, 0.8f};
        return new AuditLane.Request("s", 0, 0, 1, 1, "Ni2+", params, new float[501], "test",
                new PixelFlag(0.1, 0.2, true, List.of()), AuditLane.Reason.OUTLIER);
    }

    /** A lane limited to a tenth of a core rests nine times as long as an audit took before it takes the next. */
    @Test
    void aThrottledLaneRestsAfterEachAudit() throws Exception {
        try (AuditLane lane = new AuditLane(0, 1, 4, 0.1)) {
            AuditLane.Inbox inbox = new AuditLane.Inbox();
            assertTrue(lane.submit(request(), inbox));
            List<AuditLane.Result> results = new ArrayList<>();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (results.isEmpty() && System.nanoTime() < deadline) {
                results.addAll(inbox.drain());
                Thread.sleep(1);
            }
            assertEquals(1, results.size(), "the audit finished");
            double restMs = 9 * results.get(0).engineMs();
            assertTrue(restMs >= 2, "an audit takes milliseconds: " + results.get(0).engineMs());
            assertEquals(1, lane.backlog(), "the lane thread is resting, not free");
            Thread.sleep((long) (restMs + 500));
            assertEquals(0, lane.backlog(), "after the rest the thread is free");
        }
    }

    @Test
    void aCoreShareOutsideZeroToOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AuditLane(0, 1, 4, 0));
        assertThrows(IllegalArgumentException.class, () -> new AuditLane(0, 1, 4, 1.5));
    }
}
