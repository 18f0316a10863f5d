package dev.zkscope.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;

class PropertyTest {
    @Test
    void forAll_runsTheGivenNumberOfTries_sameSeedsEveryRun() {
        List<String> a = Property.forAll("p", 7, 25, r -> { }).map(DynamicTest::getDisplayName).collect(Collectors.toList());
        List<String> b = Property.forAll("p", 7, 25, r -> { }).map(DynamicTest::getDisplayName).collect(Collectors.toList());
        assertThat(a).hasSize(25).doesNotHaveDuplicates().isEqualTo(b);
    }

    @Test
    void aFailingCase_namesItsSeed_andTheSeedReplaysIt() throws Throwable {
        long[] seen = new long[1];
        DynamicTest t = Property.forAll("p", 7, 3, r -> {
            seen[0] = r.nextLong();
            throw new AssertionError("boom");
        }).findFirst().orElseThrow();
        String seed = t.getDisplayName().substring(t.getDisplayName().indexOf("seed=") + 5);
        assertThatThrownBy(() -> t.getExecutable().execute()).hasMessageContaining("seed " + seed)
                .hasMessageContaining("-D" + Property.REPLAY + "=" + seed).hasMessageContaining("boom");
        assertThat(new SplittableRandom(Long.parseUnsignedLong(seed.substring(2), 16)).nextLong()).isEqualTo(seen[0]);
    }
}
