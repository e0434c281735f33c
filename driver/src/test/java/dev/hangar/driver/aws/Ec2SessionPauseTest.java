package dev.hangar.driver.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.driver.spi.CommandScope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pauses of the backend's waits back off: the poll doubled per look, capped at 15 s (the
 * SDK's EC2 waiters) or 8 polls, with up to half again of jitter; never shorter than that
 * schedule, and not all alike.
 */
class Ec2SessionPauseTest {
  private final List<Duration> slept = new ArrayList<>();
  private final AwsTimeouts.Sleeper recorder = new AwsTimeouts.Sleeper() {
    @Override
    public long nanoTime() {
      return 0;
    }

    @Override
    public void sleep(Duration d) {
      slept.add(d);
    }
  };

  private List<Duration> pauses(Duration poll, int looks) {
    AwsTimeouts t = new AwsTimeouts(Duration.ofMinutes(1), Duration.ofMinutes(1),
        Duration.ofMinutes(1), Duration.ofMinutes(1), poll, 4, Duration.ofMillis(5),
        Duration.ofMillis(5), recorder);
    Ec2Session s = new Ec2Session(null, null, t);
    CommandScope scope = new CommandScope("PowerOn", null, null, null, null);
    slept.clear();
    for (int n = 0; n < looks; n++) {
      s.pause(scope, "a test", n);
    }
    return List.copyOf(slept);
  }

  @Test
  void theProductionPollBacksOffToFifteenSecondsWithJitter() {
    List<Duration> p = pauses(AwsTimeouts.DEFAULT.poll(), 8);
    long[] schedule = {3, 6, 12, 15, 15, 15, 15, 15};
    for (int n = 0; n < p.size(); n++) {
      assertThat(p.get(n)).as("pause " + n).isBetween(Duration.ofSeconds(schedule[n]),
          Duration.ofMillis(schedule[n] * 1500));
    }
    List<Duration> again = pauses(AwsTimeouts.DEFAULT.poll(), 8);
    assertThat(again).as("jittered").isNotEqualTo(p);
  }

  @Test
  void aShortTestPollIsCappedAtEightPolls() {
    List<Duration> p = pauses(Duration.ofMillis(5), 10);
    assertThat(p.get(9)).isBetween(Duration.ofMillis(40), Duration.ofMillis(60));
  }
}
