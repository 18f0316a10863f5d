package dev.zkscope.app;

/** How errors and notices reach the user: dialogs in the app, a list in tests. Called on the UI thread. */
public interface Notifier {
    /** An error the user must read: what went wrong and what to do. */
    void error(String title, String message);

    /** A passing notice. */
    void info(String message);
}
