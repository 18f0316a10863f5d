/** The zkscope desktop application: windows, menus, background tasks, settings. */
package dev.zkscope.app;
