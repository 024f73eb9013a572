package dev.pvpanic.harness.junit;

import dev.pvpanic.harness.matrix.GuestParallelism;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Predicate;
import org.junit.platform.engine.ConfigurationParameters;
import org.junit.platform.engine.support.hierarchical.ParallelExecutionConfiguration;
import org.junit.platform.engine.support.hierarchical.ParallelExecutionConfigurationStrategy;

/**
 * How many matrix cells JUnit runs at once: {@code pvh.parallel} (a number, or {@code auto} for
 * {@link GuestParallelism}'s default from cores and memory). Named by junit-platform.properties;
 * Failsafe passes {@code -Dpvh.parallel} through. The pool never grows past that number, even when
 * a cell blocks (every cell blocks: it waits on its guest).
 */
public final class GuestParallelismStrategy implements ParallelExecutionConfigurationStrategy {

  @Override
  public ParallelExecutionConfiguration createConfiguration(ConfigurationParameters parameters) {
    int n =
        GuestParallelism.resolve(
            parameters.get(GuestParallelism.PROPERTY).orElse(null),
            Runtime.getRuntime().availableProcessors(),
            GuestParallelism.configuredMemoryMb(),
            GuestParallelism.LARGEST_GUEST_MB);
    return new Fixed(n);
  }

  private record Fixed(int n) implements ParallelExecutionConfiguration {
    @Override
    public int getParallelism() {
      return n;
    }

    @Override
    public int getMinimumRunnable() {
      return n;
    }

    @Override
    public int getMaxPoolSize() {
      return n;
    }

    @Override
    public int getCorePoolSize() {
      return n;
    }

    @Override
    public int getKeepAliveSeconds() {
      return 30;
    }

    @Override
    public Predicate<? super ForkJoinPool> getSaturatePredicate() {
      return pool -> true;
    }
  }
}
