package dev.zkscope.viz;

import javafx.scene.control.TableView;

/**
 * How every table of the app fits a window of any size: columns keep the widths that make their headers and figures
 * readable, a window narrower than the table scrolls it sideways (a constrained resize policy would instead squeeze
 * the columns past their minimum widths off the right edge, out of reach), and the "+" button at the right of the
 * header shows or hides columns.
 */
public final class TableSizing {
    private TableSizing() {}

    public static void scrollable(TableView<?> table) {
        table.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
        table.setTableMenuButtonVisible(true);
    }
}
