import LinliCore

/// The board's words in Chinese and English: the templates read them as `{{t.key}}`; enum values (severity,
/// status, team, history action) are translated through the functions here.
///
/// Every key exists in both languages (a test checks it).
enum BoardStrings {
    /// The template strings for `language`.
    static func table(_ language: BoardLanguage) -> [String: String] {
        switch language {
        case .zh: chinese
        case .en: english
        }
    }

    /// The severity's name.
    static func severity(_ severity: Severity, _ language: BoardLanguage) -> String {
        switch (severity, language) {
        case (.critical, .zh): "紧急"
        case (.high, .zh): "高"
        case (.medium, .zh): "中"
        case (.low, .zh): "低"
        case (_, .en): severity.rawValue
        }
    }

    /// The status's name.
    static func status(_ status: TicketStatus, _ language: BoardLanguage) -> String {
        switch (status, language) {
        case (.open, .zh): "待处理"
        case (.acknowledged, .zh): "已接单"
        case (.resolved, .zh): "已解决"
        case (.open, .en): "open"
        case (.acknowledged, .en): "acknowledged"
        case (.resolved, .en): "resolved"
        }
    }

    /// The team's name; teams not listed keep their id.
    static func team(_ team: String, _ language: BoardLanguage) -> String {
        guard language == .zh else { return team }
        return [
            "sanitation": "环卫", "security": "安保", "care": "关爱服务", "maintenance": "维修", "volunteers": "志愿者",
        ][team] ?? team
    }

    /// The history action's name.
    static func action(_ action: HistoryEntry.Action, _ language: BoardLanguage) -> String {
        guard language == .zh else { return action.rawValue }
        return switch action {
        case .opened: "创建"
        case .occurred: "再次触发"
        case .escalated: "升级"
        case .acknowledged: "接单"
        case .resolved: "解决"
        case .reopened: "重新打开"
        case .commented: "备注"
        }
    }

    /// A duration in the language's units, two units at most: `1h 05m`, `1小时05分`.
    static func duration(_ duration: Duration, _ language: BoardLanguage) -> String {
        let units = language == .zh ? ["天", "小时", "分", "秒"] : ["d ", "h ", "m ", "s"]
        let total = max(0, duration.milliseconds / 1000)
        let parts = [total / 86_400, total % 86_400 / 3600, total % 3600 / 60, total % 60]
        let first = parts.firstIndex { $0 > 0 } ?? 3
        var text = "\(parts[first])\(units[first])"
        if first < 3 {
            let next = parts[first + 1]
            text += (next < 10 ? "0" : "") + "\(next)\(units[first + 1])"
        }
        return text.trimmed()
    }

    static let english: [String: String] = [
        "app": "Linli",
        "board_title": "Tickets",
        "report_title": "Ledger",
        "nav_board": "Board",
        "nav_report": "Ledger",
        "site": "Site",
        "team": "Team",
        "status": "Status",
        "severity": "Severity",
        "all": "All",
        "apply": "Filter",
        "status_unresolved": "Open and acknowledged",
        "status_open": "Open",
        "status_acknowledged": "Acknowledged",
        "status_resolved": "Resolved",
        "status_all": "All statuses",
        "count_open": "open",
        "count_acknowledged": "acknowledged",
        "count_overdue": "overdue",
        "overdue": "Overdue",
        "ack_by": "Acknowledge by",
        "resolve_by": "Resolve by",
        "due_left": "%@ left",
        "due_over": "overdue by %@",
        "no_tickets": "No tickets match these filters.",
        "level": "Level",
        "occurrences": "Occurrences",
        "updated": "Updated",
        "refreshes": "Refreshes every %@ seconds.",
        "location": "Location",
        "subject": "About",
        "opened": "Opened",
        "acknowledged": "Acknowledged",
        "resolved": "Resolved",
        "resolution": "Resolution",
        "last_event": "Last event",
        "description": "Description",
        "rule": "Rule",
        "rule_version": "Rule version",
        "rule_changed": "the rule has changed since this ticket was raised",
        "rule_missing": "this rule is no longer loaded",
        "sla": "SLA",
        "sla_ack": "acknowledge within",
        "sla_resolve": "resolve within",
        "evidence": "Evidence (event ids)",
        "history": "History",
        "at": "Time",
        "action": "Action",
        "actor": "By",
        "note": "Note",
        "actions_title": "Work this ticket",
        "act_ack": "Acknowledge",
        "act_resolve": "Resolve",
        "act_comment": "Add a note",
        "act_reopen": "Reopen",
        "note_placeholder": "Note (optional)",
        "comment_placeholder": "Note",
        "resolve_placeholder": "What was done (optional)",
        "your_name": "Your name (optional)",
        "token": "Access token",
        "remember": "Remember on this device",
        "signed_in_as": "Acting with token",
        "sign_out": "Sign out",
        "sign_in": "Sign in",
        "writes_disabled": "No access tokens are configured, so tickets cannot be changed here.",
        "token_needed": "This board needs an access token.",
        "done_ack": "Acknowledged.",
        "done_resolve": "Resolved.",
        "done_comment": "Note added.",
        "done_reopen": "Reopened.",
        "error_title": "Something went wrong",
        "back": "Back to the board",
        "period": "Period",
        "days_7": "Last 7 days",
        "days_30": "Last 30 days",
        "days_90": "Last 90 days",
        "col_open": "Open",
        "col_overdue": "Overdue",
        "col_opened": "Opened",
        "col_resolved": "Resolved",
        "col_ack_sla": "Acknowledged in SLA",
        "col_resolve_sla": "Resolved in SLA",
        "col_ack_median": "Ack median",
        "col_ack_p90": "Ack p90",
        "col_resolve_median": "Resolve median",
        "col_resolve_p90": "Resolve p90",
        "total": "Total",
        "ledger_note":
            "Open and overdue: now. The other columns: tickets opened in the period. Percentiles by nearest rank.",
        "ledger_empty": "No tickets in this period.",
        "language": "中文",
    ]

    static let chinese: [String: String] = [
        "app": "邻里",
        "board_title": "工单看板",
        "report_title": "台账",
        "nav_board": "看板",
        "nav_report": "台账",
        "site": "小区",
        "team": "班组",
        "status": "状态",
        "severity": "紧急程度",
        "all": "全部",
        "apply": "筛选",
        "status_unresolved": "未解决",
        "status_open": "待处理",
        "status_acknowledged": "已接单",
        "status_resolved": "已解决",
        "status_all": "全部状态",
        "count_open": "待处理",
        "count_acknowledged": "已接单",
        "count_overdue": "已超时",
        "overdue": "已超时",
        "ack_by": "接单时限",
        "resolve_by": "解决时限",
        "due_left": "剩余 %@",
        "due_over": "已超时 %@",
        "no_tickets": "没有符合条件的工单。",
        "level": "升级级别",
        "occurrences": "触发次数",
        "updated": "更新于",
        "refreshes": "每 %@ 秒自动刷新。",
        "location": "位置",
        "subject": "对象",
        "opened": "创建时间",
        "acknowledged": "接单时间",
        "resolved": "解决时间",
        "resolution": "处理结果",
        "last_event": "最近事件",
        "description": "描述",
        "rule": "规则",
        "rule_version": "规则版本",
        "rule_changed": "创建此工单后规则已修改",
        "rule_missing": "此规则已不再加载",
        "sla": "时限",
        "sla_ack": "接单时限",
        "sla_resolve": "解决时限",
        "evidence": "证据（事件编号）",
        "history": "处理记录",
        "at": "时间",
        "action": "动作",
        "actor": "操作人",
        "note": "备注",
        "actions_title": "处理工单",
        "act_ack": "接单",
        "act_resolve": "标记解决",
        "act_comment": "添加备注",
        "act_reopen": "重新打开",
        "note_placeholder": "备注（可选）",
        "comment_placeholder": "备注",
        "resolve_placeholder": "处理情况（可选）",
        "your_name": "姓名（可选）",
        "token": "访问令牌",
        "remember": "在此设备上记住",
        "signed_in_as": "当前令牌",
        "sign_out": "退出",
        "sign_in": "登录",
        "writes_disabled": "未配置访问令牌，无法在此处理工单。",
        "token_needed": "查看看板需要访问令牌。",
        "done_ack": "已接单。",
        "done_resolve": "已标记解决。",
        "done_comment": "已添加备注。",
        "done_reopen": "已重新打开。",
        "error_title": "出错了",
        "back": "返回看板",
        "period": "统计周期",
        "days_7": "近 7 天",
        "days_30": "近 30 天",
        "days_90": "近 90 天",
        "col_open": "未解决",
        "col_overdue": "已超时",
        "col_opened": "新建",
        "col_resolved": "已解决",
        "col_ack_sla": "按时接单率",
        "col_resolve_sla": "按时解决率",
        "col_ack_median": "接单用时中位数",
        "col_ack_p90": "接单用时 P90",
        "col_resolve_median": "解决用时中位数",
        "col_resolve_p90": "解决用时 P90",
        "total": "合计",
        "ledger_note": "未解决、已超时为当前数；其余各列统计本周期内新建的工单；百分位按最近秩法计算。",
        "ledger_empty": "本周期内没有工单。",
        "language": "English",
    ]
}
