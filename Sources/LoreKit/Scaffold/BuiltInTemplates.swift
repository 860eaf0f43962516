/// The built-in templates, compiled in. `Templates/` at the top of the repository is the source of
/// truth; a test proves these copies match it byte for byte.
public enum BuiltInTemplates {
    /// The names of the built-in templates, one per kind Lore knows (`retrospective` for the kind
    /// `lore init` adds).
    public static let names = ["postmortem", "lesson", "decision", "retrospective"]

    /// The template text for a built-in kind, or `nil`.
    public static func text(for kind: String) -> String? {
        switch kind {
        case "postmortem": return postmortem
        case "lesson": return lesson
        case "decision": return decision
        case "retrospective": return retrospective
        default: return nil
        }
    }

    static let postmortem = """
    ---
    id: {{id}}
    title: {{title}}
    date: {{date}}
    status: draft
    severity: {{severity}}
    services: {{services}}
    authors: [{{author}}]
    action_items: []
    ---

    # {{title}}

    ## Summary

    In two or three sentences: what happened, how long it lasted, and who was affected.

    ## Impact

    Who and what was affected, for how long, and how badly (users, requests, revenue, data).

    ## Timeline

    Times in UTC, from the first trigger to full recovery: detection, escalation, each decision.

    ## Contributing factors

    The conditions that made this possible: technical, process and organisational, without blame.

    ## Trigger

    The change or event that set the incident off.

    ## Detection

    How we found out (alert, customer, chance) and how long it took.

    ## Resolution

    What stopped the impact and what restored full service.

    ## What went well

    What helped: tooling, people, practices worth keeping.

    ## What went wrong

    What hindered detection, diagnosis or recovery.

    ## Where we got lucky

    What could have made this much worse, and did not.

    ## Action items

    The follow-ups, each with an owner and a due date, also listed in the front-matter.

    ## Lessons learned

    What the organisation should remember, with links to the lessons it learned where they exist.

    """

    static let lesson = """
    ---
    id: {{id}}
    title: {{title}}
    date: {{date}}
    status: active
    authors: [{{author}}]
    tags: []
    related: []
    ---

    # {{title}}

    ## Context

    The situation in which this was learned, with links to the incidents or decisions behind it.

    ## Lesson

    The lesson itself, stated so that someone who was not there can act on it.

    ## Evidence

    What shows the lesson is true: incidents, measurements, experiments.

    ## How to apply

    Where and how to use it: the code, runbooks or reviews it should change.

    """

    static let decision = """
    ---
    id: {{id}}
    title: {{title}}
    date: {{date}}
    status: proposed
    authors: [{{author}}]
    deciders: []
    ---

    # {{title}}

    ## Context and problem statement

    The problem and the forces at play, in a few sentences; a question the decision answers.

    ## Decision drivers

    The concerns and qualities that weigh most in choosing.

    ## Considered options

    Each option that was on the table, in a word or a line.

    ## Decision outcome

    The chosen option and why it wins against the drivers.

    ## Consequences

    What becomes easier, what becomes harder, and what to watch.

    """

    static let retrospective = """
    ---
    id: {{id}}
    title: {{title}}
    date: {{date}}
    status: draft
    authors: [{{author}}]
    tags: []
    ---

    # {{title}}

    ## Context

    The period, project or event this looks back on, and who took part.

    ## What went well

    What worked and should be kept, with examples.

    ## What did not go well

    What got in the way or cost time, described without blame.

    ## What we learned

    What the team knows now that it did not know before, with links to lessons where they exist.

    ## Action items

    What the team will change, each with an owner and a due date.

    """
}
