// The Vigil policy language. The parse tree never leaves io.vigil.dsl.parser:
// AstBuilder turns it into the records of io.vigil.dsl.tree.
grammar Vigil;

policyFile
  : 'policy' name=IDENT declaration* EOF
  ;

// Entry point for a single expression (tests, {expr} holes of rule messages).
standaloneExpr
  : expr EOF
  ;

declaration
  : toolDecl
  | groupDecl
  | letDecl
  | ruleDecl
  ;

toolDecl
  : 'tool' name=IDENT '(' (param (',' param)*)? ')' ('->' result=type)?
  ;

param
  : name=IDENT ':' type
  ;

type
  : 'string'                 # stringType
  | 'number'                 # numberType
  | 'bool'                   # boolType
  | 'json'                   # jsonType
  | 'list' '<' type '>'      # listType
  ;

groupDecl
  : 'group' name=IDENT '=' members+=IDENT (',' members+=IDENT)*
  ;

letDecl
  : 'let' name=IDENT '=' value=expr
  ;

ruleDecl
  : 'rule' name=IDENT ':' 'before' trigger=eventPattern ('when' condition=expr)?
    'require' requirement=expr ('because' message=STRING)?
  ;

// A pattern over one event. A plain call pattern matches a tool_call; `ok`/`error` match the
// tool_result that answers such a call (results carry the arguments of their call).
eventPattern
  : kind=('ok' | 'error')? target=IDENT '(' callArgs? ')' ('returns' binder)?   # toolPattern
  | kind=('user_message' | 'assistant_message') ('(' binder ')')?              # messagePattern
  ;

callArgs
  : callArg (',' callArg)*
  ;

callArg
  : '..'                                      # restArg
  | (name=IDENT ':')? '_'                     # wildcardArg
  | (name=IDENT ':')? value=expr              # valueArg
  ;

binder
  : IDENT
  | '_'
  ;

window
  : 'within' DURATION
  ;

// JSON field names may be keywords of the language (r.count, r.error, ...).
fieldName
  : IDENT | 'ok' | 'error' | 'count' | 'once' | 'previous' | 'historically' | 'since' | 'in'
  | 'matches' | 'and' | 'or' | 'not' | 'implies' | 'exists' | 'forall' | 'returns' | 'where'
  | 'now' | 'true' | 'false' | 'null' | 'string' | 'number' | 'bool' | 'json' | 'list'
  | 'tool' | 'group' | 'let' | 'rule' | 'before' | 'when' | 'require' | 'because' | 'within'
  | 'policy' | 'user_message' | 'assistant_message'
  ;

// Alternatives listed earlier bind tighter.
expr
  : primary                                                   # primaryExpr
  | expr '.' field=fieldName                                  # fieldExpr
  | expr '[' '*' ']'                                          # spreadExpr
  | expr '[' index=expr ']'                                   # indexExpr
  | 'once' window? expr                                       # onceExpr
  | 'historically' window? expr                               # historicallyExpr
  | 'previous' expr                                           # previousExpr
  | '-' expr                                                  # negateExpr
  | expr op=('*' | '%') expr                                  # multiplyExpr
  | expr op=('+' | '-') expr                                  # addExpr
  | expr op=('==' | '!=' | '<' | '<=' | '>' | '>=') expr      # compareExpr
  | expr negated='not'? 'in' expr                             # inExpr
  | expr 'matches' REGEX                                      # matchesExpr
  | 'not' expr                                                # notExpr
  | expr 'since' expr                                         # sinceExpr
  | expr 'and' expr                                           # andExpr
  | expr 'or' expr                                            # orExpr
  | <assoc=right> expr 'implies' expr                         # impliesExpr
  ;

primary
  : STRING                                                    # stringLiteral
  | NUMBER                                                    # numberLiteral
  | DURATION                                                  # durationLiteral
  | ('true' | 'false')                                        # boolLiteral
  | 'null'                                                    # nullLiteral
  | 'now'                                                     # nowLiteral
  | '[' (expr (',' expr)*)? ']'                               # listLiteral
  | '(' expr ')'                                              # parenExpr
  | 'count' window? '(' expr ')'                              # countExpr
  | quantifier=('exists' | 'forall') var=IDENT 'in' domain=expr ':' body=expr   # quantifiedExpr
  | eventPattern ('where' condition=expr)?                    # patternExpr
  | IDENT                                                     # variableRef
  ;

// A rule's `because` string may hold {expr} holes ({{ and }} are literal braces); AstBuilder
// parses them. Other string literals are plain text.
STRING     : '"' ( '\\' . | ~["\\\r\n] )* '"' ;
REGEX      : '/' ( '\\' . | ~[/\\\r\n] )+ '/' [a-z]* ;
DURATION   : [0-9]+ ('ms' | 's' | 'm' | 'h' | 'd') ;
NUMBER     : [0-9]+ ('.' [0-9]+)? ;
// A leading underscore marks a variable that is deliberately unused (`_` alone is the wildcard).
IDENT      : [a-zA-Z_] [a-zA-Z0-9_]* ;
COMMENT    : '#' ~[\r\n]* -> skip ;
WS         : [ \t\r\n]+ -> skip ;
