package dev.hangar.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures every log event of the {@code dev.hangar} loggers while open. */
public final class LogCapture implements AutoCloseable {
  /** Freezes each event's MDC when it is logged, not when a test reads it. */
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>() {
    @Override
    protected void append(ILoggingEvent e) {
      e.prepareForDeferredProcessing();
      super.append(e);
    }
  };
  private final Logger logger = (Logger) LoggerFactory.getLogger("dev.hangar");

  public LogCapture() {
    appender.start();
    logger.addAppender(appender);
  }

  public List<ILoggingEvent> events() {
    // AppenderBase.doAppend holds the appender's lock: copy under it, as host threads may log.
    synchronized (appender) {
      return List.copyOf(appender.list);
    }
  }

  /** Every message, formatted, with its MDC and any stack trace class names. */
  public String text() {
    StringBuilder sb = new StringBuilder();
    for (ILoggingEvent e : events()) {
      sb.append(e.getFormattedMessage()).append(' ').append(e.getMDCPropertyMap());
      if (e.getThrowableProxy() != null) {
        sb.append(' ').append(e.getThrowableProxy().getClassName()).append(' ')
            .append(e.getThrowableProxy().getMessage());
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
  }
}
